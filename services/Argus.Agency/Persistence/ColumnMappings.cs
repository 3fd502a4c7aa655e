using System.Text.Json;
using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Argus.Agency.Persistence;

/// <summary>How the value types several tables share are stored.</summary>
public static class ColumnMappings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A small list as a JSON text column: the same on SQLite and PostgreSQL.</summary>
    public static PropertyBuilder<List<T>> HasJsonColumn<T>(this PropertyBuilder<List<T>> property) =>
        property.HasConversion(new JsonListConverter<T>(), new JsonListComparer<T>());

    public static ComplexTypePropertyBuilder<List<T>> HasJsonColumn<T>(this ComplexTypePropertyBuilder<List<T>> property) =>
        property.HasConversion(new JsonListConverter<T>(), new JsonListComparer<T>());

    public static void MapLocation(ComplexPropertyBuilder<Location> location)
    {
        location.Property(x => x.StreetAddress).HasMaxLength(200);
        location.Property(x => x.PostalCode).HasMaxLength(16);
        location.Property(x => x.Municipality).HasMaxLength(100);
        location.Property(x => x.Country).HasMaxLength(2);
    }

    public static void MapHandling(ComplexPropertyBuilder<Handling> handling) =>
        handling.Property(x => x.Restrictions).HasMaxLength(1000);

    private sealed class JsonListConverter<T>() : ValueConverter<List<T>, string>(
        list => JsonSerializer.Serialize(list, Json),
        text => JsonSerializer.Deserialize<List<T>>(text, Json) ?? new List<T>());

    /// <summary>Lists compare by content, so EF notices a changed list.</summary>
    private sealed class JsonListComparer<T>() : ValueComparer<List<T>>(
        (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
        list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        list => list.ToList());
}
