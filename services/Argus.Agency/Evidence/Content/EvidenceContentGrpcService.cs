using System.Security.Cryptography;
using Argus.Agency.Callers;
using Argus.Agency.Evidence.Custody;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence.Content;

/// <summary>
/// Uploads and downloads of evidence content (after ByteStream and tus). An upload declares its
/// hash and size first; bytes arrive in chunks at the committed offset and are hashed as they
/// arrive (<see cref="UploadReceiver"/>); at finish the hash decides: a match attaches the content to the item (a custody event),
/// a mismatch discards the upload. Until then nothing of it is visible. A cut stream resumes
/// where the stored bytes end. Downloads stream from an offset, so they resume too.
/// </summary>
internal sealed class EvidenceContentGrpcService(
    AgencyDbContext db, RecordStore store, RecordAccess access, RequestProcessingLog log, IContentStore content, CustodyBook custody,
    Caller caller, IJurisdiction jurisdiction, IOptions<EvidenceContentOptions> options, TimeProvider clock) : Proto.EvidenceContentService.EvidenceContentServiceBase
{
    private static readonly EvidenceKind Kind = EvidenceKind.Instance;

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.CreateUploadResponse> CreateUpload(Proto.CreateUploadRequest request, ServerCallContext context)
    {
        var name = Kind.ParseName(request.Parent, "parent");
        var limits = options.Value;
        var errors = new FieldErrors();
        var sha256 = Input.Sha256(request.Sha256, "sha256", errors);
        errors.Check(request.SizeBytes > 0, "size_bytes", "must be greater than zero.");
        var mediaType = request.MediaType.Trim().ToLowerInvariant();
        errors.Check(limits.MediaTypes.Contains(mediaType), "media_type",
            $"\"{Input.Shorten(request.MediaType)}\" is not accepted; accepted are {string.Join(", ", limits.MediaTypes)} (Argus:Evidence:MediaTypes).");
        var fileName = Input.Text(request.FileName, "file_name", errors, 255);
        errors.Check(!fileName.Contains('/') && !fileName.Contains('\\'), "file_name", "is a file's name, not a path.");
        var requestId = request.RequestId.Length == 0 ? null : IdempotencyKey.From(request.RequestId, request.Parent, request)?.RequestId;
        errors.ThrowIfAny();
        if (request.SizeBytes > limits.MaxContentBytes)
        {
            throw new QuotaExceededException($"{request.SizeBytes:N0} bytes is more than this service accepts ({limits.MaxContentBytes:N0} bytes, Argus:Evidence:MaxContentBytes).");
        }

        if (requestId is not null && await db.Set<EvidenceUpload>().AsNoTracking().FirstOrDefaultAsync(x => x.RequestId == requestId, context.CancellationToken) is { } earlier)
        {
            if (earlier.ItemName != name.ToString() || earlier.Sha256 != sha256 || earlier.SizeBytes != request.SizeBytes)
            {
                throw FieldErrors.Invalid("request_id", "was already used for a different upload; send a new UUID for a new upload.");
            }

            return new() { Upload = await ToProtoAsync(earlier, context.CancellationToken) };
        }

        var item = await store.RequireAsync<EvidenceItem>(name, context.CancellationToken);
        if (item.WhyNotContent(sha256) is { } refusal)
        {
            throw new PreconditionFailedException(refusal);
        }

        // Checked again when the content is attached; here so that nobody uploads gigabytes in vain.
        await custody.RequireMayAsync(item, CustodyAction.ContentAcquired, Actor(), context.CancellationToken);
        var upload = new EvidenceUpload
        {
            Id = ResourceNames.NewId(), ItemSequence = item.Sequence, ItemName = item.Name, Sha256 = sha256, SizeBytes = request.SizeBytes,
            MediaType = mediaType, FileName = fileName, ClientId = caller.ClientId, RequestId = requestId,
            CreateTime = Input.TruncateToMicroseconds(clock.GetUtcNow()), State = UploadState.Receiving,
        };
        db.Add(upload);
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException ex) when (requestId is not null && DatabaseErrors.IsUniqueViolation(ex))
        {
            // A concurrent retry of the same request created it: that one is the answer.
            db.ChangeTracker.Clear();
            upload = await db.Set<EvidenceUpload>().AsNoTracking().FirstAsync(x => x.RequestId == requestId, context.CancellationToken);
        }

        return new() { Upload = await ToProtoAsync(upload, context.CancellationToken) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.QueryUploadResponse> QueryUpload(Proto.QueryUploadRequest request, ServerCallContext context)
    {
        var upload = await FindUploadAsync(request.Upload, "upload", context.CancellationToken);
        return new() { Upload = await ToProtoAsync(upload, context.CancellationToken) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.WriteContentResponse> WriteContent(IAsyncStreamReader<Proto.WriteContentRequest> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await UploadReceiver.NextAsync(requestStream, cancellationToken))
        {
            throw FieldErrors.Invalid("upload", "is required: the stream sent no message.");
        }

        var first = requestStream.Current;
        var upload = await FindUploadAsync(first.Upload, "upload", cancellationToken);
        if (Settled(upload) is { } done)
        {
            return done; // a retry of the finish; or refused, discarded
        }

        await using (var writer = await content.OpenWriterAsync(upload.Key, cancellationToken))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            // Read again now that this stream holds the upload: another may have finished it meanwhile.
            upload = await FindUploadAsync(first.Upload, "upload", cancellationToken);
            if (Settled(upload) is { } doneMeanwhile)
            {
                return doneMeanwhile;
            }

            var finished = await UploadReceiver.ReceiveAsync(upload, writer, hash, first, requestStream, cancellationToken);
            if (!finished)
            {
                await writer.FlushAsync(cancellationToken);
                return new() { CommittedSize = writer.Length, Complete = false };
            }

            if (writer.Length != upload.SizeBytes)
            {
                throw FieldErrors.Invalid("finish_write", $"came after {writer.Length} bytes of the declared {upload.SizeBytes}; send the rest, then finish.");
            }

            var computed = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (computed != upload.Sha256)
            {
                await writer.DisposeAsync();
                await DiscardAsync(upload, $"the content hashes to {computed}, not the declared {upload.Sha256}", CancellationToken.None);
                throw FieldErrors.Invalid("data", $"The content hashes to {computed}, not the declared {upload.Sha256}: the upload is discarded; start a new one.");
            }

            await writer.FlushAsync(cancellationToken);
        }

        // The hash matched: content-addressed from now on, then attached to the item.
        await content.CommitAsync(upload.Key, upload.Sha256, cancellationToken);
        var attached = new EvidenceContent { Sha256 = upload.Sha256, SizeBytes = upload.SizeBytes, MediaType = upload.MediaType, FileName = upload.FileName };
        try
        {
            // The upload is complete in the same transaction that attaches its content.
            await custody.AttachContentAsync(Kind.ParseName(upload.ItemName, "upload"), attached, Actor(), async () =>
                (await db.Set<EvidenceUpload>().FirstAsync(x => x.Sequence == upload.Sequence, cancellationToken)).State = UploadState.Complete,
                cancellationToken);
        }
        catch (ContentAlreadyAttachedException)
        {
            // Another upload of the same content to the item finished first: this one is done too.
            db.ChangeTracker.Clear();
            await MarkAsync(upload, UploadState.Complete, null);
        }
        catch (Exception ex) when (ex is PreconditionFailedException or AccessDeniedException)
        {
            // The item changed while the bytes arrived (other content, another custodian, custody ended).
            db.ChangeTracker.Clear();
            await MarkAsync(upload, UploadState.Discarded, BoundedText.Shorten(ex.Message, 400));
            throw new PreconditionFailedException(ex.Message + " This upload is discarded.");
        }

        return new() { CommittedSize = upload.SizeBytes, Complete = true };
    }

    [Authorize(ArgusScopes.EvidenceRead), OpenToPartners]
    public override async Task ReadContent(Proto.ReadContentRequest request, IServerStreamWriter<Proto.ReadContentResponse> responseStream, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Check(request.ReadOffset >= 0, "read_offset", "must not be negative.");
        errors.Check(request.ReadLimit >= 0, "read_limit", "must not be negative (0 reads to the end).");
        var name = Kind.ParseName(request.Name, "name");
        errors.ThrowIfAny();
        access.RequireJustifiedRead();
        string sha256;
        long size;
        var ownerAgency = CommonMapping.ToDomain(request.OwnerAgency);
        if (ownerAgency is null || ownerAgency == jurisdiction.Agency)
        {
            var item = await store.RequireAsync<EvidenceItem>(name, context.CancellationToken);
            _ = await access.ShownAsync(item, context.CancellationToken) ?? throw new ResourceNotFoundException(name.ToString());
            var stored = item.Content ?? throw new PreconditionFailedException($"{name} has no content (a physical item, or not uploaded yet).");
            (sha256, size) = (stored.Sha256, stored.SizeBytes);
        }
        else
        {
            // A partner's item this agency holds after a handover: its own verified copy, to its own callers.
            if (caller.IsPartner || caller.IsJitWide)
            {
                throw new ResourceNotFoundException(name.ToString());
            }

            var owner = ownerAgency.Value;
            var received = await db.Set<ReceivedEvidence>().AsNoTracking()
                .Where(x => x.Owner == owner && x.ItemName == name.ToString() && x.VerifiedSha256 != "")
                .OrderByDescending(x => x.Sequence).FirstOrDefaultAsync(context.CancellationToken)
                ?? throw new ResourceNotFoundException($"{name} of {owner.Code().ToUpperInvariant()}");
            (sha256, size) = (received.VerifiedSha256, received.SizeBytes);
        }

        if (request.ReadOffset > size)
        {
            throw FieldErrors.Invalid("read_offset", $"is past the end of the content ({size} bytes).");
        }

        var end = request.ReadLimit == 0 ? size : Math.Min(size, request.ReadOffset + request.ReadLimit);
        await log.ConsultedAsync(access.ReadEvent(name.ToString(), $"content bytes {request.ReadOffset}-{end} of {size}, sha256 {sha256}"));
        var response = new Proto.ReadContentResponse();
        await foreach (var chunk in content.ReadAsync(ContentKeys.Content(sha256), request.ReadOffset, end - request.ReadOffset, context.CancellationToken))
        {
            // The chunk's pooled buffer is reused once WriteAsync returns, which is after the message is serialized.
            response.Data = UnsafeByteOperations.UnsafeWrap(chunk);
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    /// <summary>The answer for an upload that takes no more bytes: complete (a retry's answer), or discarded (refused); null while it receives.</summary>
    private static Proto.WriteContentResponse? Settled(EvidenceUpload upload) => upload.State switch
    {
        UploadState.Complete => new() { CommittedSize = upload.SizeBytes, Complete = true },
        UploadState.Discarded => throw new PreconditionFailedException($"{upload.Name} was discarded ({upload.DiscardReason}); start a new upload."),
        _ => null,
    };

    private CustodyActor Actor() => new(jurisdiction.Agency, caller.ClientId);

    private async Task<EvidenceUpload> FindUploadAsync(string name, string field, CancellationToken cancellationToken)
    {
        var parts = name.Split('/');
        if (parts is not ["operations", _, EvidenceItem.Collection, _, EvidenceUpload.Collection, var id] || !ResourceNames.IsValidId(id))
        {
            throw FieldErrors.Invalid(field, $"\"{Input.Shorten(name)}\" is not a name like \"operations/argus/evidenceItems/{{item}}/uploads/{{upload}}\".");
        }

        var upload = await db.Set<EvidenceUpload>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        return upload is not null && upload.Name == name ? upload : throw new ResourceNotFoundException(name);
    }

    private async Task<Proto.Upload> ToProtoAsync(EvidenceUpload upload, CancellationToken cancellationToken) => new()
    {
        Name = upload.Name,
        Sha256 = upload.Sha256,
        SizeBytes = upload.SizeBytes,
        MediaType = upload.MediaType,
        FileName = upload.FileName,
        CommittedSize = upload.State == UploadState.Complete ? upload.SizeBytes : await content.LengthAsync(upload.Key, cancellationToken),
        Complete = upload.State == UploadState.Complete,
    };

    private async Task DiscardAsync(EvidenceUpload upload, string reason, CancellationToken cancellationToken)
    {
        await content.DeleteAsync(upload.Key, cancellationToken);
        await MarkAsync(upload, UploadState.Discarded, reason);
    }

    private async Task MarkAsync(EvidenceUpload upload, UploadState state, string? reason)
    {
        // A discarded upload gives up its request_id: the same request (the same file, again) starts afresh.
        await db.Set<EvidenceUpload>().Where(x => x.Sequence == upload.Sequence)
            .ExecuteUpdateAsync(x => x.SetProperty(u => u.State, state).SetProperty(u => u.DiscardReason, reason)
                .SetProperty(u => u.RequestId, u => state == UploadState.Discarded ? null : u.RequestId), CancellationToken.None);
    }
}
