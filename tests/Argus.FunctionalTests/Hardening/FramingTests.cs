using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Argus.Client.Security;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Protobuf;

namespace Argus.FunctionalTests.Hardening;

/// <summary>
/// gRPC's length-prefixed framing, broken by hand on raw HTTP/2 (HttpClient, the caller's
/// certificate and bound token): each mistake gets the status the gRPC specification gives it,
/// never Internal or a reset stream.
/// </summary>
public sealed class FramingTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private const string GetOperation = "/argus.operations.v1.OperationService/GetOperation";
    private const int InvalidArgument = 3;
    private const int NotFound = 5;
    private const int ResourceExhausted = 8;
    private const int Unimplemented = 12;
    private const int MaxMessageLength = 1_000;

    [Fact]
    public async Task One_well_framed_message_reaches_the_method_which_answers_NotFound_for_a_name_that_does_not_exist()
    {
        var (status, message, _) = await SendAsync(Frame(Missing()));

        Assert.Equal(NotFound, status);
        Assert.InRange(message.Length, 0, MaxMessageLength);
    }

    [Fact]
    public async Task A_message_flagged_compressed_without_a_grpc_encoding_gets_InvalidArgument()
    {
        var (status, message, _) = await SendAsync(Frame(Missing(), compressed: true));

        Assert.Equal(InvalidArgument, status);
        Assert.InRange(message.Length, 1, MaxMessageLength);
    }

    [Fact]
    public async Task A_body_that_ends_before_the_declared_length_gets_InvalidArgument()
    {
        // Declares 100 bytes, holds 10.
        var (status, message, _) = await SendAsync(Frame(Missing().AsSpan(0, 10).ToArray(), declaredLength: 100));

        Assert.Equal(InvalidArgument, status);
        Assert.InRange(message.Length, 1, MaxMessageLength);
    }

    [Fact]
    public async Task Two_messages_in_a_unary_call_get_Unimplemented()
    {
        // The gRPC specification's "request cardinality violation".
        var existing = new GetOperationRequest { Name = fixture.OperationName }.ToByteArray();

        var (status, message, _) = await SendAsync([.. Frame(existing), .. Frame(existing)]);

        Assert.Equal(Unimplemented, status);
        Assert.InRange(message.Length, 1, MaxMessageLength);
    }

    [Fact]
    public async Task A_declared_length_over_the_1_MiB_limit_gets_ResourceExhausted_before_any_of_it_is_sent()
    {
        // Only the 5-byte prefix, declaring 2 MiB.
        var (status, message, _) = await SendAsync(Frame([], declaredLength: 2 * 1024 * 1024));

        Assert.Equal(ResourceExhausted, status);
        Assert.InRange(message.Length, 1, MaxMessageLength);
    }

    [Theory]
    [InlineData(true)]  // a framing error, rewritten by the service
    [InlineData(false)] // a refusal for want of a token
    public async Task Messages_are_percent_encoded_as_the_gRPC_specification_says_so_every_client_reads_them(bool withToken)
    {
        // Only '%' and bytes outside 0x20-0x7E are encoded; grpc-js decodes nothing else, and would show "%3A" for a colon.
        var (_, message, raw) = await SendAsync(Frame(Missing(), compressed: true), withToken);

        Assert.Contains(": ", raw, StringComparison.Ordinal);
        Assert.Equal(message, raw);
    }

    private static byte[] Missing() => new GetOperationRequest { Name = $"operations/missing-{Guid.NewGuid():N}" }.ToByteArray();

    /// <summary>A gRPC frame: the compressed flag, the length big-endian in 4 bytes (by default the payload's), the payload.</summary>
    private static byte[] Frame(byte[] payload, bool compressed = false, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>POSTs <paramref name="body"/> to GetOperation as a gRPC call; the grpc-status and grpc-message of the answer.</summary>
    private async Task<(int Status, string Message, string RawMessage)> SendAsync(byte[] body, bool withToken = true)
    {
        using var tokens = new AccessTokenSource(fixture.Owner);
        var token = withToken ? await tokens.GetTokenAsync(ArgusAudiences.Agency("nl")) : null;
        using var http = new HttpClient(TrustedCertificates.Handler(RunningIdentity.CaCertificate, fixture.Owner.Certificate))
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Netherlands.Address, GetOperation))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        request.Headers.Add("x-argus-justification", "framing test");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync(); // to the end: the trailers come after the body

        // A call that fails before any message is a trailers-only answer: the status is in the headers.
        var status = Value(response.TrailingHeaders, "grpc-status") ?? Value(response.Headers, "grpc-status")
            ?? throw new InvalidOperationException($"The answer has no grpc-status, neither in its trailers nor in its headers; headers: {response.Headers}");

        var message = Value(response.TrailingHeaders, "grpc-message") ?? Value(response.Headers, "grpc-message") ?? "";
        return (int.Parse(status, CultureInfo.InvariantCulture), Uri.UnescapeDataString(message), message);
    }

    private static string? Value(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
