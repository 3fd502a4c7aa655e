using System.Text.Json;
using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts;

internal static class InterceptMapping
{
    public static Proto.InterceptedMessage ToProto(MessageRow row)
    {
        var message = new Proto.InterceptedMessage
        {
            Sequence = row.Sequence,
            MessageId = row.MessageId,
            SentTime = CommonMapping.ToProto(row.SentTime),
            Sender = row.Sender,
            Recipient = row.Recipient,
            SenderDevice = row.SenderDevice ?? "",
            RecipientDevice = row.RecipientDevice ?? "",
            Decrypted = row.Decrypted,
            Text = row.Text ?? "",
        };
        if (row.Attachments is { } attachments)
        {
            using var document = JsonDocument.Parse(attachments);
            foreach (var attachment in document.RootElement.EnumerateArray())
            {
                message.Attachments.Add(new Proto.Attachment
                {
                    FileName = Text(attachment, "file_name"),
                    MediaType = Text(attachment, "media_type"),
                    SizeBytes = attachment.TryGetProperty("size_bytes", out var size) && size.TryGetInt64(out var bytes) ? bytes : 0,
                    Sha256 = Text(attachment, "sha256"),
                });
            }
        }

        return message;
    }

    /// <summary>
    /// A message as the owner streamed it, for this agency's copy (its own sequence is given when it
    /// is written); null when it breaks the rules every import is held to — the owner is a partner,
    /// and what it sends is input like any other.
    /// </summary>
    public static MessageRow? FromOwner(Proto.InterceptedMessage message)
    {
        var errors = new FieldErrors();
        var sent = Input.OptionalTime(message.SentTime, "sent_time", errors);
        var sender = Handles.Normalize(message.Sender);
        var recipient = Handles.Normalize(message.Recipient);
        if (errors.Any || sent is null || sender is null || recipient is null || message.MessageId.Length is 0 or > MessageLineParser.MaxIdLength
            || message.Text.Length > MessageLineParser.MaxTextLength || message.Attachments.Count > MessageLineParser.MaxAttachments
            || MessageLineParser.HasNul(message.MessageId) || MessageLineParser.HasNul(message.Text) || MessageLineParser.HasNul(message.SenderDevice)
            || MessageLineParser.HasNul(message.RecipientDevice) || HasNulInAttachments(message))
        {
            return null;
        }

        return new MessageRow
        {
            MessageId = message.MessageId,
            SentTime = sent.Value,
            Sender = sender,
            Recipient = recipient,
            SenderDevice = message.SenderDevice.Length > 0 ? message.SenderDevice : null,
            RecipientDevice = message.RecipientDevice.Length > 0 ? message.RecipientDevice : null,
            Decrypted = message.Decrypted,
            Text = message.Text.Length > 0 ? message.Text : null,
            Attachments = message.Attachments.Count == 0 ? null : JsonSerializer.Serialize(message.Attachments.Select(a => new Dictionary<string, object>
            {
                ["file_name"] = a.FileName, ["media_type"] = a.MediaType, ["size_bytes"] = a.SizeBytes, ["sha256"] = a.Sha256,
            })),
        };
    }

    private static bool HasNulInAttachments(Proto.InterceptedMessage message)
    {
        foreach (var attachment in message.Attachments)
        {
            if (MessageLineParser.HasNul(attachment.FileName) || MessageLineParser.HasNul(attachment.MediaType) || MessageLineParser.HasNul(attachment.Sha256))
            {
                return true;
            }
        }

        return false;
    }

    public static Proto.Import ToProto(InterceptImport import)
    {
        var proto = new Proto.Import
        {
            Name = import.Name,
            State = EnumMap<ImportState, Proto.ImportState>.Convert(import.State),
            Format = EnumMap<ImportFormat, Proto.ImportFormat>.Convert(import.Format),
            Imported = import.Imported,
            Rejected = import.Rejected,
            Duplicates = import.Duplicates,
            CommittedBytes = import.CommittedBytes,
            CommittedLines = import.CommittedLines,
            StartTime = CommonMapping.ToProto(import.StartTime),
            EndTime = import.EndTime is { } end ? CommonMapping.ToProto(end) : null,
        };
        foreach (var line in import.Rejections.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            proto.Rejections.Add(new Proto.RejectedRow { Line = long.Parse(line[..tab], System.Globalization.CultureInfo.InvariantCulture), Reason = line[(tab + 1)..] });
        }

        return proto;
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
