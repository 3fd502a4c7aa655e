using System.Security.Cryptography;
using Argus.Agency.Callers;
using Argus.Agency.Evidence.Content;
using Argus.Agency.Partners;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence.Custody;

/// <summary>
/// This agency's side of custody of a partner's item: the history lives with the owner, so what
/// this agency does as custodian is recorded there, by this service, with its own credentials —
/// after it verified its own copy. Acknowledging a handover to this agency fetches the content
/// from the owner, hashes it as it arrives and keeps it here; the receipt (with the hash verified
/// on arrival) is this agency's record and its processing-log entry, and the owner's history gets
/// the acknowledgement.
/// </summary>
public sealed class PartnerCustody(
    PartnerClients partners, AgencyDbContext db, IContentStore content, RequestProcessingLog log, Caller caller, IJurisdiction jurisdiction, TimeProvider clock)
{
    public async Task<Proto.AcknowledgeHandoverResponse> AcknowledgeAsync(AgencyCode owner, RecordName item, CustodyEvent proposal, CancellationToken cancellationToken)
    {
        var client = partners.For(owner).Client;
        var options = Options($"custody handover {proposal.Acknowledges}: receiving it for {caller.ClientId}", cancellationToken);
        var remote = (await client.Evidence.GetEvidenceItemAsync(new() { Name = item.ToString() }, options)).EvidenceItem;
        var history = await client.Custody.ListCustodyEventsAsync(new() { Parent = item.ToString() }, options);
        var me = new CustodyActor(jurisdiction.Agency, caller.ClientId);
        // Acknowledged at the owner already (this call was cut off before its receipt was kept here): keep the receipt now.
        var earlier = history.CustodyEvents.LastOrDefault(e => e.Action == Proto.CustodyAction.HandoverAcknowledged && e.Acknowledges == proposal.Acknowledges);
        if (earlier is not null && earlier.ToCustodian != me.Custodian)
        {
            throw new PreconditionFailedException($"{Input.Shorten(proposal.Acknowledges)} was acknowledged already, by {earlier.ToCustodian}.");
        }

        if (earlier is null && history.PendingHandover != proposal.Acknowledges)
        {
            throw new PreconditionFailedException(history.PendingHandover.Length == 0
                ? $"{item} of {Code(owner)} has no handover awaiting acknowledgement."
                : $"{Input.Shorten(proposal.Acknowledges)} is not the handover of {item} awaiting acknowledgement ({history.PendingHandover}).");
        }

        // Refused before anything is fetched: only the receiver acknowledges.
        var handover = history.CustodyEvents.FirstOrDefault(e => e.Name == proposal.Acknowledges);
        if (handover is null || !me.Is(handover.ToCustodian))
        {
            throw new AccessDeniedException($"Only the receiver of the handover ({handover?.ToCustodian}) acknowledges it; {me.Custodian} is not.");
        }

        // The digital original travels with the handover: fetched, hashed as it arrives, kept.
        var verified = "";
        if (remote.Content is { Sha256.Length: > 0 } declared)
        {
            verified = await FetchAsync(client, item, declared, options, cancellationToken);
            if (verified != declared.Sha256)
            {
                throw new PreconditionFailedException(
                    $"The content of {item} fetched from {Code(owner)} hashes to {verified}, not {declared.Sha256}: the handover is not acknowledged; ask {Code(owner)} to verify its copy.");
            }
        }

        var acknowledged = earlier ?? (await client.Custody.RecordPartnerCustodyEventAsync(new()
        {
            Parent = item.ToString(),
            CustodyEvent = ToProposal(proposal, verified),
        }, options)).CustodyEvent;

        if (await db.Set<ReceivedEvidence>().AnyAsync(x => x.Owner == owner && x.ItemName == item.ToString() && x.Handover == proposal.Acknowledges, cancellationToken))
        {
            return new() { CustodyEvent = acknowledged, VerifiedSha256 = verified }; // kept already: a retry
        }

        db.Add(new ReceivedEvidence
        {
            Owner = owner, ItemName = item.ToString(), Handover = proposal.Acknowledges, VerifiedSha256 = verified,
            SizeBytes = remote.Content?.SizeBytes ?? 0, ReceiveTime = Input.TruncateToMicroseconds(clock.GetUtcNow()), ClientId = caller.ClientId,
        });
        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Collection, item.ToString(),
            $"custody received from {Code(owner)} ({proposal.Acknowledges})" + (verified.Length > 0 ? $", content sha256 {verified} verified on arrival" : ""),
            [owner.Code()]), cancellationToken);
        return new() { CustodyEvent = acknowledged, VerifiedSha256 = verified };
    }

    /// <summary>Records with the owner what this agency did as the custodian of its item, after verifying this agency's copy.</summary>
    public async Task<Proto.CustodyEvent> RecordAsync(AgencyCode owner, RecordName item, CustodyEvent proposal, CancellationToken cancellationToken)
    {
        var client = partners.For(owner).Client;
        var options = Options($"custody of {item}: {proposal.Action} by {caller.ClientId}", cancellationToken);
        var received = await db.Set<ReceivedEvidence>().AsNoTracking()
            .Where(x => x.Owner == owner && x.ItemName == item.ToString()).OrderByDescending(x => x.Sequence).FirstOrDefaultAsync(cancellationToken)
            ?? throw new PreconditionFailedException($"This agency has not received {item} of {Code(owner)} in a handover; only its custodian records what is done with it.");
        var verified = "";
        if (received.VerifiedSha256.Length > 0 && CustodyBook.NeedsVerification(proposal.Action))
        {
            verified = await content.HashAsync(received.VerifiedSha256, cancellationToken) ?? "";
            if (verified != received.VerifiedSha256)
            {
                var found = verified.Length == 0 ? "is missing" : $"hashes to {verified}";
                await client.Custody.RecordPartnerCustodyEventAsync(new()
                {
                    Parent = item.ToString(),
                    CustodyEvent = new Proto.CustodyEvent
                    {
                        Action = Proto.CustodyAction.IntegrityCompromised,
                        ActingClientId = caller.ClientId,
                        VerifiedSha256 = verified,
                        Result = $"the copy {Code(caller.Agency)} received {found}, not {received.VerifiedSha256} (found at {proposal.Action})",
                    },
                }, options);
                throw new PreconditionFailedException(
                    $"This agency's copy of {item} {found}, not {received.VerifiedSha256}: {Code(owner)} was told, and the item is marked integrity compromised.");
            }
        }

        return (await client.Custody.RecordPartnerCustodyEventAsync(new() { Parent = item.ToString(), CustodyEvent = ToProposal(proposal, verified) }, options)).CustodyEvent;
    }

    /// <summary>Streams the owner's content into this agency's store, hashing it as it arrives; returns the hash.</summary>
    private async Task<string> FetchAsync(AgencyClient owner, RecordName item, Proto.EvidenceContent declared, CallOptions options, CancellationToken cancellationToken)
    {
        var upload = ContentKeys.Upload("received-" + Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var writer = await content.OpenWriterAsync(upload, cancellationToken))
            {
                using var call = owner.Content.ReadContent(new() { Name = item.ToString() }, options);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    if (writer.Length + chunk.Data.Length > declared.SizeBytes)
                    {
                        throw new PreconditionFailedException($"{item}'s content from its owner is longer than the {declared.SizeBytes} bytes it declares.");
                    }

                    hash.AppendData(chunk.Data.Span);
                    await writer.AppendAsync(chunk.Data.Memory, cancellationToken);
                }

                await writer.FlushAsync(cancellationToken);
            }

            var computed = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (computed == declared.Sha256)
            {
                await content.CommitAsync(upload, computed, cancellationToken);
            }

            return computed;
        }
        finally
        {
            await content.DeleteAsync(upload, CancellationToken.None); // gone once committed; a mismatch leaves nothing
        }
    }

    private Proto.CustodyEvent ToProposal(CustodyEvent proposal, string verified) => new()
    {
        Action = EnumMap<CustodyAction, Proto.CustodyAction>.Convert(proposal.Action),
        ActingClientId = caller.ClientId,
        Officer = proposal.Officer,
        TimeZone = proposal.TimeZone,
        StorageLocation = proposal.StorageLocation,
        SealNumber = proposal.SealNumber,
        Authorisation = proposal.Authorisation,
        Purpose = proposal.Purpose,
        Tool = proposal.Tool,
        ToolVersion = proposal.ToolVersion,
        Result = proposal.Result,
        ToCustodian = proposal.ToCustodian,
        Acknowledges = proposal.Acknowledges,
        VerifiedSha256 = verified,
    };

    private static CallOptions Options(string justification, CancellationToken cancellationToken) =>
        new(Justification.Of(justification), cancellationToken: cancellationToken);

    private static string Code(AgencyCode agency) => agency.Code().ToUpperInvariant();

    private static string Code(string? agency) => (agency ?? "").ToUpperInvariant();
}
