using System.Text.Json;

namespace Argus.Client.Intercepts;

/// <summary>
/// A synthetic dataset shaped like a Sky ECC server copy, for trying an import, the scenario and the
/// benchmark: accounts grouped in cells that mostly write among themselves, a few brokers between
/// cells, about half the messages decrypted, and two named groups — Dutch suspects and Antwerp
/// suspects — that write to each other. Deterministic for a seed. Nothing in it is real.
/// </summary>
public sealed class SyntheticSkyEcc
{
    public static readonly DateTimeOffset Start = new(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2021, 3, 9, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Phrases =
    [
        "levering morgen 20 stuks", "container staat in de haven van Antwerpen", "ok broer", "bel me op de andere", "geld is geteld",
        "de blauwe auto staat klaar", "niet via telefoon", "zelfde plek als vorige keer", "de vracht komt met de bananen", "wacht op mijn teken",
        "hoeveel nog", "alles goed aangekomen", "morgen 14u aan de loods", "rendez-vous à Anvers demain", "la marchandise est arrivée",
        "bring the keys", "the boat is late", "stuur de codes", "pas op, politie in de straat", "laatste keer dit nummer",
    ];

    private readonly int seed;
    private readonly string[] accounts;
    private readonly int cellSize;

    /// <param name="messages">How many messages <see cref="WriteNdjsonAsync"/> writes.</param>
    public SyntheticSkyEcc(long messages, int seed = 2021)
    {
        Messages = messages;
        this.seed = seed;
        var random = new Random(seed);
        var count = (int)Math.Clamp(messages / 40, 60, 20_000);
        accounts = new string[count];
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (var i = 0; i < count; i++)
        {
            accounts[i] = string.Create(6, random, (span, r) =>
            {
                for (var c = 0; c < span.Length; c++)
                {
                    span[c] = alphabet[r.Next(alphabet.Length)];
                }
            }) + i.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }

        cellSize = 12;
        // The first cell is Dutch, the second Antwerp's; their first members talk across the border.
        DutchSuspects = accounts[..5];
        AntwerpSuspects = accounts[cellSize..(cellSize + 5)];
    }

    public long Messages { get; }

    /// <summary>Every account's handle, as the file writes them.</summary>
    public IReadOnlyList<string> Accounts => accounts;

    /// <summary>Handles (as the file writes them) of the Dutch suspects' cell.</summary>
    public IReadOnlyList<string> DutchSuspects { get; }

    /// <summary>Handles of the Antwerp cell, which the Dutch suspects write to.</summary>
    public IReadOnlyList<string> AntwerpSuspects { get; }

    /// <summary>Writes the messages as NDJSON, one object per line, oldest first.</summary>
    public async Task WriteNdjsonAsync(Stream output, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed + 1);
        var span = (End - Start).Ticks;
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        await using var buffered = new BufferedStream(output, 1 << 16);
        await using var json = new Utf8JsonWriter(buffered, options);
        var cells = Math.Max(1, accounts.Length / cellSize);
        for (long i = 0; i < Messages; i++)
        {
            var (sender, recipient) = Pair(random, cells, i);
            var sent = Start.AddTicks(span / Messages * i + random.NextInt64(0, Math.Max(1, span / Messages)));
            var decrypted = random.Next(100) < 55;
            json.Reset();
            json.WriteStartObject();
            json.WriteString("message_id", $"sky-{seed}-{i:D10}");
            json.WriteString("sent_time", sent.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("sender", accounts[sender]);
            json.WriteString("recipient", accounts[recipient]);
            json.WriteString("sender_device", $"SKY-{sender:D6}");
            json.WriteString("recipient_device", $"SKY-{recipient:D6}");
            json.WriteBoolean("decrypted", decrypted);
            if (decrypted)
            {
                json.WriteString("text", $"{Phrases[random.Next(Phrases.Length)]} ({random.Next(1, 100)})");
            }

            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            buffered.WriteByte((byte)'\n');
        }

        await buffered.FlushAsync(cancellationToken);
    }

    /// <summary>Mostly within a cell, one in twenty to another cell, and from the first cell to the second one in ten.</summary>
    private (int Sender, int Recipient) Pair(Random random, int cells, long i)
    {
        int Member(int cell) => Math.Min(accounts.Length - 1, cell * cellSize + random.Next(cellSize));
        if (i % 10 == 0)
        {
            return random.Next(2) == 0 ? (random.Next(5), cellSize + random.Next(5)) : (cellSize + random.Next(5), random.Next(5));
        }

        var cell = random.Next(cells);
        var sender = Member(cell);
        var recipient = random.Next(20) == 0 ? Member(random.Next(cells)) : Member(cell);
        return recipient == sender ? (sender, Member((cell + 1) % cells)) : (sender, recipient);
    }
}
