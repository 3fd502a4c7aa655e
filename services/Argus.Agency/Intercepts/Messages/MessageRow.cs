namespace Argus.Agency.Intercepts.Messages;

/// <summary>One intercepted message as the bulk tables hold it (handles normalized, no text when not decrypted).</summary>
public sealed class MessageRow
{
    public long Sequence { get; set; }

    public string MessageId { get; set; } = "";

    public DateTimeOffset SentTime { get; set; }

    public string Sender { get; set; } = "";

    public string Recipient { get; set; } = "";

    public string? SenderDevice { get; set; }

    public string? RecipientDevice { get; set; }

    public bool Decrypted { get; set; }

    /// <summary>The decrypted text; null when not decrypted or empty.</summary>
    public string? Text { get; set; }

    /// <summary>Attachments' metadata as a JSON array, or null.</summary>
    public string? Attachments { get; set; }
}

/// <summary>A handle's counterpart in a contact graph.</summary>
public sealed record ContactRow(string Handle, long Sent, long Received, DateTimeOffset FirstTime, DateTimeOffset LastTime);
