using System.Collections.Frozen;

namespace Argus.Agency.Shared;

/// <summary>
/// Maps an enum of the contract to the domain's and back by member name (AGENCY_CODE_NL ↔ Nl),
/// so neither side depends on the other's numbering. Values without a counterpart (the contract's
/// UNSPECIFIED, or a number a newer client sends) do not map.
/// </summary>
internal static class EnumMap<TFrom, TTo>
    where TFrom : struct, Enum
    where TTo : struct, Enum
{
    private static readonly FrozenDictionary<TFrom, TTo> Map = Enum.GetValues<TFrom>()
        .Where(value => Enum.TryParse<TTo>(value.ToString(), ignoreCase: true, out var to) && Enum.IsDefined(to))
        .ToFrozenDictionary(value => value, value => Enum.Parse<TTo>(value.ToString(), ignoreCase: true));

    public static bool TryMap(TFrom from, out TTo to) => Map.TryGetValue(from, out to);

    public static TTo Convert(TFrom from) => Map.TryGetValue(from, out var to)
        ? to
        : throw new InvalidOperationException($"{typeof(TFrom).Name}.{from} has no counterpart in {typeof(TTo).Name}.");
}
