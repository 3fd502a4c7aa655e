using System.Text.Json;
using Argus.Identity.V1;
using ClientRecord = Argus.Identity.V1.Client;
using Google.Protobuf;

namespace Argus.Cli;

/// <summary>Readable tables for people, one JSON document per command for scripts (--json).</summary>
internal sealed class Output(TextWriter stdout, bool json)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public bool Json => json;

    public void Message(IMessage message) => stdout.WriteLine(Formatter.Format(message));

    public void Line(string text) => stdout.WriteLine(text);

    public void Clients(IReadOnlyList<ClientRecord> clients)
    {
        if (json)
        {
            stdout.WriteLine("[" + string.Join(",", clients.Select(c => Formatter.Format(c))) + "]");
            return;
        }

        Table(["CLIENT ID", "KIND", "AUTH", "AUDIENCES", "SCOPES", "CERTS", "STATUS"], clients.Select(c => new[]
        {
            c.ClientId, Kind(c.Kind), c.AuthenticationMethod == AuthenticationMethod.MutualTls ? "mtls" : "secret",
            string.Join(",", c.Audiences.Select(a => a.Replace("urn:argus:", "", StringComparison.Ordinal))),
            c.Scopes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Certificates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            c.Disabled ? "disabled" : "enabled",
        }));
    }

    public void Client(ClientRecord client, string? secret = null)
    {
        if (json)
        {
            var document = JsonDocument.Parse(Formatter.Format(client));
            stdout.WriteLine(secret is null ? document.RootElement.GetRawText() : JsonSerializer.Serialize(new { client = document.RootElement, clientSecret = secret }));
            return;
        }

        stdout.WriteLine($"Client        {client.ClientId} ({client.DisplayName})");
        stdout.WriteLine($"Kind          {Kind(client.Kind)}{(client.Agency.Length > 0 ? $", acts for {client.Agency.ToUpperInvariant()}" : "")}");
        stdout.WriteLine($"Auth          {(client.AuthenticationMethod == AuthenticationMethod.MutualTls ? "mutual TLS (tokens bound to the certificate)" : "client secret")}");
        stdout.WriteLine($"Status        {(client.Disabled ? "DISABLED: gets no new token" : "enabled")}");
        stdout.WriteLine($"Audiences     {string.Join(", ", client.Audiences)}");
        stdout.WriteLine($"Scopes        {string.Join(", ", client.Scopes)}");
        foreach (var certificate in client.Certificates)
        {
            stdout.WriteLine($"Certificate   {certificate.Sha256Thumbprint}  {certificate.Subject}  until {certificate.NotAfter.ToDateTime():yyyy-MM-dd}");
        }

        if (client.PreviousSecretExpireTime is not null)
        {
            stdout.WriteLine($"Old secret    works until {client.PreviousSecretExpireTime.ToDateTime():yyyy-MM-dd HH:mm:ss} UTC");
        }

        if (secret is not null)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Secret        {secret}");
            stdout.WriteLine("              Shown this once; store it now. Only its hash is kept.");
        }
    }

    public void Events(IReadOnlyList<AdminEvent> events)
    {
        if (json)
        {
            stdout.WriteLine("[" + string.Join(",", events.Select(e => Formatter.Format(e))) + "]");
            return;
        }

        Table(["#", "TIME (UTC)", "ACTOR", "ACTION", "TARGET"], events.Select(e => new[]
        {
            e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Time.ToDateTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            e.Actor, e.Action, e.Target,
        }));
    }

    private void Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            stdout.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Kind(ClientKind kind) => kind switch
    {
        ClientKind.AgencyService => "agency-service",
        ClientKind.PartnerSystem => "partner-system",
        ClientKind.Administrator => "administrator",
        _ => "?",
    };
}
