using Argus.Agency.Callers;
using Argus.Agency.Partners;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Replica;

/// <summary>A record as its owner disclosed it, ready to be kept as a copy: its message, and that message as the copy stores it.</summary>
public sealed record DisclosedRecord(string Record, RecordKind Kind, string OperationId, int Version, HandlingCode HandlingCode,
    string? Restrictions, DateTimeOffset OwnerUpdateTime, IMessage Message, string Content);

/// <summary>
/// Reads shared records on their owner's service with this agency's own credentials and a
/// justification, as any partner must: the owner checks the share, shows the record under the
/// share's handling and logs the disclosure.
/// </summary>
public sealed partial class OwnerRecords(PartnerClients partners, RecordKinds kinds, ILogger<OwnerRecords> logger)
{
    public const string Justification = "Keeping this agency's copy of a record shared with it up to date (Argus replica)";
    private static readonly Metadata Justified = new() { { Caller.JustificationHeader, Justification } };

    /// <summary>The record now, or null when the owner no longer shows it to us (erased, or no longer shared).</summary>
    public async Task<DisclosedRecord?> GetAsync(AgencyCode owner, string record, CancellationToken cancellationToken)
    {
        var kind = kinds.Parse(record).Kind;
        try
        {
            return Disclosed(kind, await kind.GetFromOwnerAsync(partners.For(owner).Client, record, Options(cancellationToken)));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Every record of a shared operation the owner shows us, the operation first. A kind of record
    /// this agency's credentials may not read (the identity server did not grant its read scope)
    /// is left out, with a warning: the owner refuses it whatever we ask, so asking again would
    /// only hold back the kinds we may read. Granted later, those records come with their next
    /// change or the next catch-up.
    /// </summary>
    public async Task<List<DisclosedRecord>> ListOperationAsync(AgencyCode owner, string operation, CancellationToken cancellationToken)
    {
        var client = partners.For(owner).Client;
        var records = new List<DisclosedRecord>();
        if (await GetAsync(owner, operation, cancellationToken) is { } shared)
        {
            records.Add(shared);
        }

        foreach (var kind in kinds.All.Where(k => k.Collection is not null))
        {
            var token = "";
            var ofKind = new List<DisclosedRecord>();
            try
            {
                do
                {
                    var (page, next) = await kind.ListFromOwnerAsync(client, operation, token, Options(cancellationToken));
                    ofKind.AddRange(page.Select(message => Disclosed(kind, message)));
                    token = next;
                }
                while (token.Length > 0);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                LogKindNotGranted(logger, kind.Collection!, operation, owner.Code(), ex.Status.Detail);
                continue;
            }

            records.AddRange(ofKind);
        }

        return records;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica: {Collection} of shared {Operation} are not copied: {Owner} refused them to this agency's credentials ({Detail})")]
    private static partial void LogKindNotGranted(ILogger logger, string collection, string operation, string owner, string detail);

    private static CallOptions Options(CancellationToken cancellationToken) => new(Justified, cancellationToken: cancellationToken);

    /// <summary>A record message as a copy keeps it.</summary>
    public static DisclosedRecord Disclosed(RecordKind kind, IMessage content)
    {
        var header = kind.HeaderOf(content);
        return new DisclosedRecord(header.Name, kind, header.Name.Split('/')[1], header.Version, header.Handling.Code, header.Handling.Restrictions,
            header.UpdateTime, content, JsonFormatter.Default.Format(content));
    }
}
