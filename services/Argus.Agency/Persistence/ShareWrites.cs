using Argus.Agency.Domain.Shared;
using Argus.Agency.Domain.Sharing;
using Argus.Agency.Outbox;

namespace Argus.Agency.Persistence;

/// <summary>How a share is recorded, wherever it is decided: the share and its RecordShared event, in the caller's transaction.</summary>
internal static class ShareWrites
{
    public static void AddShare(this AgencyDbContext db, Share share, AgencyCode owner)
    {
        db.Shares.Add(share);
        db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.Shared(share, owner), share.Recipient.Code(), share.CreateTime));
    }
}
