using System.Security.Cryptography;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Evidence.V1;
using Argus.Testing;
using Grpc.Core;

namespace Argus.FunctionalTests.Evidence;

/// <summary>
/// The Netherlands and Belgium exchanging evidence over the real broker (one <see cref="ExchangeFixture"/>
/// for a test class), with helpers to register items and upload content the way clients do.
/// </summary>
public sealed class EvidenceExchange : IAsyncLifetime
{
    public ExchangeFixture Exchange { get; private set; } = null!;

    public AgencyClient Nl => Exchange.Netherlands.Client;

    /// <summary>Belgium's officer, at Belgium's own service.</summary>
    public AgencyClient Be => Exchange.Belgium!.Client;

    public async Task InitializeAsync() => Exchange = await ExchangeFixture.StartAsync();

    public async Task DisposeAsync() => await Exchange.DisposeAsync();

    public async Task<string> OperationAsync() =>
        (await Nl.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") })).Operation.Name;

    public async Task<EvidenceItem> PhoneAsync(string operation) =>
        (await Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Phone("SKY-" + Guid.NewGuid().ToString("N")[..8]) })).EvidenceItem;

    /// <summary>Random bytes of an odd size (not a multiple of the chunk size), from a seed the test names.</summary>
    public static byte[] Extraction(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public async Task<Upload> UploadAsync(string item, byte[] content, AgencyClient? client = null) =>
        await EvidenceTransfer.UploadAsync(client ?? Nl, item, new MemoryStream(content), "application/zip", "XRY-extraction.zip");

    public static async Task<byte[]> DownloadAsync(AgencyClient client, string item, Metadata? headers = null, Common.V1.AgencyCode owner = Common.V1.AgencyCode.Unspecified)
    {
        var output = new MemoryStream();
        await EvidenceTransfer.DownloadAsync(client, item, output, headers: headers, owner: owner);
        return output.ToArray();
    }

    /// <summary>Another client of the Netherlands with every record scope: not the custodian of what the fixture's client registers.</summary>
    public async Task<AgencyClient> AnotherDutchClientAsync(string clientId)
    {
        var credentials = await Exchange.Identity.RegisterAsync(clientId, [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, agency: "nl");
        return Exchange.Netherlands.ClientFor(credentials, new AccessTokenSource(credentials));
    }

    public async Task<ListCustodyEventsResponse> HistoryAsync(string item) =>
        await Nl.Custody.ListCustodyEventsAsync(new ListCustodyEventsRequest { Parent = item });

    /// <summary>The item's file in the Dutch content store (SQLite: files in the data folder).</summary>
    public string DutchContentFile(string sha256) =>
        Path.Combine(Exchange.Netherlands.DataDirectory, "evidence", "sha256", sha256[..2], sha256);
}
