using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Turns one line of an import file into a message, or says why it cannot: the service parses
/// what partners send (not the client), so every import of every client is judged by one set of
/// rules, and a rejection names the line. NDJSON: one object per line, unknown properties
/// ignored. CSV: RFC 4180 with a header line naming the columns; no line breaks inside a field.
/// </summary>
public sealed class MessageLineParser
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 65_536;
    public const int MaxAttachments = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly DateTimeOffset Earliest = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] RequiredColumns = ["message_id", "sent_time", "sender", "recipient"];

    private readonly ImportFormat format;
    private readonly Dictionary<string, int> columns = new(StringComparer.Ordinal);

    private MessageLineParser(ImportFormat format) => this.format = format;

    public static MessageLineParser Ndjson() => new(ImportFormat.Ndjson);

    /// <summary>A CSV parser for the columns its header line names, or the header's fault.</summary>
    public static (MessageLineParser? Parser, string? Problem) Csv(string header)
    {
        var parser = new MessageLineParser(ImportFormat.Csv);
        if (SplitCsv(header) is not { } names)
        {
            return (null, "the header line has an unterminated quote");
        }

        for (var i = 0; i < names.Count; i++)
        {
            parser.columns.TryAdd(names[i].Trim().ToLowerInvariant(), i);
        }

        var missing = RequiredColumns.Where(c => !parser.columns.ContainsKey(c)).ToList();
        return missing.Count > 0 ? (null, $"the header line lacks the column(s) {string.Join(", ", missing)}") : (parser, null);
    }

    /// <summary>The message on <paramref name="line"/> (without its line break), or null with the reason.</summary>
    public MessageRow? Parse(ReadOnlySpan<byte> line, out string? reason)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            reason = "not valid UTF-8";
            return null;
        }

        try
        {
            return format == ImportFormat.Ndjson ? ParseJson(line, out reason) : ParseCsv(StrictUtf8.GetString(line), out reason);
        }
        catch (DecoderFallbackException)
        {
            reason = "not valid UTF-8";
            return null;
        }
        catch (FormatException e)
        {
            reason = e.Message;
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            reason = $"not a JSON object: {Shorten(e.Message)}";
            return null;
        }
    }

    private static MessageRow? ParseJson(ReadOnlySpan<byte> line, out string? reason)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reason = "not a JSON object";
            return null;
        }

        string? id = null, sent = null, sender = null, recipient = null, senderDevice = null, recipientDevice = null, text = null, attachments = null;
        DateTimeOffset? sentTime = null;
        var decrypted = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Compared as bytes: no string for each of a line's property names.
            var property = Property(ref reader);
            reader.Read();
            switch (property)
            {
                case JsonProperty.MessageId: id = Scalar(ref reader); break;
                case JsonProperty.SentTime:
                    // The common case read straight from the bytes; anything else goes the strict way below.
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && HasOffset(reader.ValueSpan) && reader.TryGetDateTimeOffset(out var parsed))
                    {
                        sentTime = parsed;
                    }
                    else
                    {
                        sent = Scalar(ref reader);
                    }

                    break;
                case JsonProperty.Sender: sender = Scalar(ref reader); break;
                case JsonProperty.Recipient: recipient = Scalar(ref reader); break;
                case JsonProperty.SenderDevice: senderDevice = Scalar(ref reader); break;
                case JsonProperty.RecipientDevice: recipientDevice = Scalar(ref reader); break;
                case JsonProperty.Text: text = Scalar(ref reader); break;
                case JsonProperty.Decrypted:
                    decrypted = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False or JsonTokenType.Null => false,
                        _ => throw new FormatException("decrypted is not true or false"),
                    };
                    break;
                case JsonProperty.Attachments:
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        using var document = JsonDocument.ParseValue(ref reader);
                        attachments = document.RootElement.GetRawText();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw new FormatException("attachments is not an array");
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            reason = "not one JSON object";
            return null;
        }

        return Build(id, sent, sender, recipient, senderDevice, recipientDevice, decrypted, text, attachments, out reason, sentTime);
    }

    private enum JsonProperty
    {
        Other,
        MessageId,
        SentTime,
        Sender,
        Recipient,
        SenderDevice,
        RecipientDevice,
        Decrypted,
        Text,
        Attachments,
    }

    /// <summary>Which of a message's properties the reader is at (a name written with escapes compares by its value too).</summary>
    private static JsonProperty Property(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("message_id"u8) ? JsonProperty.MessageId
        : reader.ValueTextEquals("sent_time"u8) ? JsonProperty.SentTime
        : reader.ValueTextEquals("sender"u8) ? JsonProperty.Sender
        : reader.ValueTextEquals("recipient"u8) ? JsonProperty.Recipient
        : reader.ValueTextEquals("sender_device"u8) ? JsonProperty.SenderDevice
        : reader.ValueTextEquals("recipient_device"u8) ? JsonProperty.RecipientDevice
        : reader.ValueTextEquals("decrypted"u8) ? JsonProperty.Decrypted
        : reader.ValueTextEquals("text"u8) ? JsonProperty.Text
        : reader.ValueTextEquals("attachments"u8) ? JsonProperty.Attachments
        : JsonProperty.Other;

    /// <summary>"2021-03-09T14:05:00Z" or "…+01:00": a date, "T", a time, and an offset.</summary>
    private static bool HasOffset(ReadOnlySpan<byte> value) =>
        value.Length is >= 20 and <= 40 && value[10] is (byte)'T' && (value[^1] is (byte)'Z' || value[^6] is (byte)'+' or (byte)'-');

    /// <summary>A string, or a number written as one (message ids often are).</summary>
    private static string? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"a {reader.TokenType} where a string belongs"),
    };

    private MessageRow? ParseCsv(string line, out string? reason)
    {
        if (SplitCsv(line) is not { } fields)
        {
            reason = "unterminated quote (a field may not contain a line break)";
            return null;
        }

        string? Column(string name) => columns.TryGetValue(name, out var i) && i < fields.Count && fields[i].Length > 0 ? fields[i] : null;
        var decrypted = Column("decrypted")?.Trim().ToLowerInvariant() switch
        {
            null or "false" or "0" or "no" => false,
            "true" or "1" or "yes" => true,
            _ => (bool?)null,
        };
        if (decrypted is null)
        {
            reason = "decrypted is not true or false";
            return null;
        }

        return Build(Column("message_id"), Column("sent_time"), Column("sender"), Column("recipient"), Column("sender_device"), Column("recipient_device"),
            decrypted.Value, Column("text"), Column("attachments"), out reason);
    }

    private static MessageRow? Build(string? id, string? sent, string? sender, string? recipient, string? senderDevice, string? recipientDevice,
        bool decrypted, string? text, string? attachments, out string? reason, DateTimeOffset? sentTime = null)
    {
        reason = null;
        id = id?.Trim();
        if (id is not { Length: > 0 and <= MaxIdLength } || HasControl(id))
        {
            reason = $"message_id must be 1 to {MaxIdLength} characters without control characters";
        }
        else if (!(sentTime is { } given ? InRange(given, out var time) : TryTime(sent, out time)))
        {
            reason = "sent_time must be an RFC 3339 time with its offset (2021-03-09T14:05:00Z) between 1990 and 2100";
        }
        else if (Handles.Normalize(sender) is not { } from)
        {
            reason = $"sender must be a handle of 1 to {Handles.MaxLength} characters";
        }
        else if (Handles.Normalize(recipient) is not { } to)
        {
            reason = $"recipient must be a handle of 1 to {Handles.MaxLength} characters";
        }
        else if (!Optional(senderDevice, out var fromDevice) || !Optional(recipientDevice, out var toDevice))
        {
            reason = $"a device id must be at most {MaxIdLength} characters without control characters";
        }
        else if (text is { Length: > MaxTextLength })
        {
            reason = $"text is longer than {MaxTextLength} characters";
        }
        else if (HasNul(text) || HasNul(attachments))
        {
            reason = "text or attachments contain a NUL character (U+0000), which no text column holds";
        }
        else if (attachments is not null && AttachmentsProblem(attachments) is { } problem)
        {
            reason = problem;
        }
        else
        {
            return new MessageRow
            {
                MessageId = id, SentTime = time, Sender = from, Recipient = to, SenderDevice = fromDevice, RecipientDevice = toDevice,
                Decrypted = decrypted, Text = decrypted && !string.IsNullOrEmpty(text) ? text : null, Attachments = attachments,
            };
        }

        return null;
    }

    private static bool TryTime(string? value, out DateTimeOffset time)
    {
        time = default;
        // RFC 3339 only: a date, "T", a time and an offset; no local times, no other calendars.
        if (value is not { Length: >= 20 and <= 40 } || value[10] is not ('T' or 't' or ' ')
            || !(value.EndsWith('Z') || value.EndsWith('z') || value[^6] is '+' or '-'))
        {
            return false;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && InRange(parsed, out time);
    }

    /// <summary>In UTC, cut to microseconds (what PostgreSQL keeps), and within the years a dataset can hold.</summary>
    private static bool InRange(DateTimeOffset value, out DateTimeOffset time)
    {
        time = new DateTimeOffset(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
        return time >= Earliest && time < Latest;
    }

    /// <summary>PostgreSQL's text cannot hold U+0000; SQLite's can, so the rule is checked here for both.</summary>
    public static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    private static bool HasControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Optional(string? value, out string? kept)
    {
        kept = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return kept is null || (kept.Length <= MaxIdLength && !HasControl(kept));
    }

    private static string? AttachmentsProblem(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return "attachments must be a JSON array";
            }

            if (document.RootElement.GetArrayLength() > MaxAttachments)
            {
                return $"more than {MaxAttachments} attachments";
            }

            foreach (var attachment in document.RootElement.EnumerateArray())
            {
                if (attachment.ValueKind != JsonValueKind.Object || json.Length > 64_000)
                {
                    return "attachments must be objects (file_name, media_type, size_bytes, sha256), 64 KB at most";
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return "attachments is not valid JSON";
        }
    }

    /// <summary>RFC 4180 fields of one line; null when a quote is not closed on it.</summary>
    private static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c != '\r' || i != line.Length - 1)
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static string Shorten(string message) => message.Length <= 120 ? message : message[..120] + "…";
}
