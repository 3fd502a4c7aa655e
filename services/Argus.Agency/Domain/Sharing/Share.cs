using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain.Sharing;

/// <summary>
/// The owner's decision to let a partner agency read a record — or every record of an operation —
/// under a handling code and for a purpose. Revoking keeps the share, stamped, for the record.
/// </summary>
public sealed class Share
{
    public const string Collection = "shares";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string OperationId { get; set; } = "";

    /// <summary>The shared record's resource name, or the operation's name for all its records.</summary>
    public string Record { get; set; } = "";

    public AgencyCode Recipient { get; set; }

    public Handling Handling { get; set; } = new();

    public string Purpose { get; set; } = "";

    public string SharedBy { get; set; } = "";

    public DateTimeOffset CreateTime { get; set; }

    public DateTimeOffset? RevokeTime { get; set; }

    public string Name => $"operations/{OperationId}/{Collection}/{Id}";
}
