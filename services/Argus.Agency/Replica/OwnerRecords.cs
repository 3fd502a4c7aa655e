using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Partners;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ProtoArrests = Argus.Arrests.V1;
using ProtoCommon = Argus.Common.V1;
using ProtoEvidence = Argus.Evidence.V1;
using ProtoOperations = Argus.Operations.V1;
using ProtoSearches = Argus.Searches.V1;

namespace Argus.Agency.Replica;

/// <summary>A record as its owner disclosed it, ready to be kept as a copy.</summary>
public sealed record DisclosedRecord(string Record, ForeignRecordKind Kind, string OperationId, int Version, HandlingCode HandlingCode,
    string? Restrictions, DateTimeOffset OwnerUpdateTime, string Content);

/// <summary>
/// Reads shared records on their owner's service with this agency's own credentials and a
/// justification, as any partner must: the owner checks the share and logs the disclosure.
/// </summary>
public sealed class OwnerRecords(PartnerClients partners)
{
    public const string Justification = "Keeping this agency's copy of a record shared with it up to date (Argus replica)";
    private static readonly Metadata Justified = new() { { Audit.Caller.JustificationHeader, Justification } };

    /// <summary>The record now, or null when the owner no longer shows it to us (erased, or no longer shared).</summary>
    public async Task<DisclosedRecord?> GetAsync(AgencyCode owner, string record, CancellationToken cancellationToken)
    {
        var client = partners.For(owner).Client;
        try
        {
            return KindOf(record) switch
            {
                ForeignRecordKind.Operation => From((await client.Operations.GetOperationAsync(new() { Name = record }, Justified, cancellationToken: cancellationToken)).Operation),
                ForeignRecordKind.HouseSearch => From((await client.HouseSearches.GetHouseSearchAsync(new() { Name = record }, Justified, cancellationToken: cancellationToken)).HouseSearch),
                ForeignRecordKind.Arrest => From((await client.Arrests.GetArrestAsync(new() { Name = record }, Justified, cancellationToken: cancellationToken)).Arrest),
                _ => From((await client.Evidence.GetEvidenceItemAsync(new() { Name = record }, Justified, cancellationToken: cancellationToken)).EvidenceItem),
            };
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every record of a shared operation the owner shows us, the operation first.</summary>
    public async Task<List<DisclosedRecord>> ListOperationAsync(AgencyCode owner, string operation, CancellationToken cancellationToken)
    {
        var client = partners.For(owner).Client;
        var records = new List<DisclosedRecord>();
        if (await GetAsync(owner, operation, cancellationToken) is { } shared)
        {
            records.Add(shared);
        }

        records.AddRange(await ListAllAsync(token => client.HouseSearches.ListHouseSearchesAsync(new() { Parent = operation, PageSize = 1000, PageToken = token }, Justified, cancellationToken: cancellationToken).ResponseAsync,
            page => (page.HouseSearches.Select(From), page.NextPageToken)));
        records.AddRange(await ListAllAsync(token => client.Arrests.ListArrestsAsync(new() { Parent = operation, PageSize = 1000, PageToken = token }, Justified, cancellationToken: cancellationToken).ResponseAsync,
            page => (page.Arrests.Select(From), page.NextPageToken)));
        records.AddRange(await ListAllAsync(token => client.Evidence.ListEvidenceItemsAsync(new() { Parent = operation, PageSize = 1000, PageToken = token }, Justified, cancellationToken: cancellationToken).ResponseAsync,
            page => (page.EvidenceItems.Select(From), page.NextPageToken)));
        return records;
    }

    /// <summary>What kind of record a name is: "operations/x", or "operations/x/{collection}/y".</summary>
    public static ForeignRecordKind KindOf(string record) =>
        TryKindOf(record, out var kind) ? kind : throw new FormatException($"\"{record}\" is not the name of a record.");

    public static bool TryKindOf(string record, out ForeignRecordKind kind)
    {
        kind = record.Split('/') switch
        {
            ["operations", _] => ForeignRecordKind.Operation,
            ["operations", _, Domain.HouseSearches.HouseSearch.Collection, _] => ForeignRecordKind.HouseSearch,
            ["operations", _, Domain.Arrests.Arrest.Collection, _] => ForeignRecordKind.Arrest,
            ["operations", _, Domain.Evidence.EvidenceItem.Collection, _] => ForeignRecordKind.EvidenceItem,
            _ => default,
        };
        return kind != default;
    }

    public static string OperationOf(string record) => record.Split('/')[1];

    private static async Task<List<DisclosedRecord>> ListAllAsync<TPage>(Func<string, Task<TPage>> list, Func<TPage, (IEnumerable<DisclosedRecord> Records, string Next)> read)
    {
        var records = new List<DisclosedRecord>();
        var token = "";
        do
        {
            var (page, next) = read(await list(token));
            records.AddRange(page);
            token = next;
        }
        while (token.Length > 0);
        return records;
    }

    private static DisclosedRecord From(ProtoOperations.Operation x) => Disclosed(x.Name, ForeignRecordKind.Operation, x.Handling, x.UpdateTime, x.Etag, x);

    private static DisclosedRecord From(ProtoSearches.HouseSearch x) => Disclosed(x.Name, ForeignRecordKind.HouseSearch, x.Handling, x.UpdateTime, x.Etag, x);

    private static DisclosedRecord From(ProtoArrests.Arrest x) => Disclosed(x.Name, ForeignRecordKind.Arrest, x.Handling, x.UpdateTime, x.Etag, x);

    private static DisclosedRecord From(ProtoEvidence.EvidenceItem x) => Disclosed(x.Name, ForeignRecordKind.EvidenceItem, x.Handling, x.UpdateTime, x.Etag, x);

    private static DisclosedRecord Disclosed(string name, ForeignRecordKind kind, ProtoCommon.Handling? handling, Timestamp? updateTime, string etag, IMessage content) => new(
        name,
        kind,
        OperationOf(name),
        int.Parse(etag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture),
        handling is null || handling.Code == ProtoCommon.HandlingCode.Unspecified ? HandlingCode.H0 : EnumMap<ProtoCommon.HandlingCode, HandlingCode>.Convert(handling.Code),
        handling?.Restrictions is { Length: > 0 } restrictions ? restrictions : null,
        updateTime?.ToDateTimeOffset() ?? DateTimeOffset.MinValue,
        JsonFormatter.Default.Format(content));
}
