using System.Text;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Intercepts.V1;
using Google.Protobuf;

namespace Argus.FunctionalTests.Intercepts;

/// <summary>Datasets and files for the intercept tests: a dataset in a new operation, files written by hand or generated.</summary>
internal static class InterceptFiles
{
    public static async Task<string> DatasetAsync(AgencyClient owner, MessageSubset? shared = null)
    {
        var operation = (await owner.Operations.CreateOperationAsync(new Argus.Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        return (await owner.InterceptDatasets.CreateInterceptDatasetAsync(new CreateInterceptDatasetRequest
        {
            Parent = operation, InterceptDataset = Records.SkyEccDataset(shared),
        })).InterceptDataset.Name;
    }

    /// <summary>One NDJSON line.</summary>
    public static string Line(string id, string sent, string sender, string recipient, string? text = null) =>
        $$"""{"message_id":"{{id}}","sent_time":"{{sent}}","sender":"{{sender}}","recipient":"{{recipient}}","decrypted":{{(text is null ? "false" : "true")}}{{(text is null ? "" : $",\"text\":\"{text}\"")}}}""";

    public static byte[] Ndjson(params string[] lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

    public static async Task<byte[]> GeneratedAsync(SyntheticSkyEcc dataset)
    {
        using var file = new MemoryStream();
        await dataset.WriteNdjsonAsync(file);
        return file.ToArray();
    }

    public static Task<Import> ImportAsync(AgencyClient owner, string dataset, byte[] content, ImportFormat format = ImportFormat.Ndjson, string? resume = null) =>
        InterceptTransfer.ImportAsync(owner, dataset, new MemoryStream(content), format, resume);

    /// <summary>
    /// Sends the first <paramref name="bytes"/> of <paramref name="content"/> and ends the stream without
    /// finishing it, as a client cut off mid-file does; returns the refusal.
    /// </summary>
    public static async Task<Grpc.Core.RpcException> CutAsync(AgencyClient owner, string dataset, byte[] content, int bytes)
    {
        using var call = owner.Intercepts.ImportMessages();
        await call.RequestStream.WriteAsync(new ImportMessagesRequest { Dataset = dataset, Format = ImportFormat.Ndjson });
        for (var offset = 0; offset < bytes; offset += InterceptTransfer.ChunkSize)
        {
            var length = Math.Min(InterceptTransfer.ChunkSize, bytes - offset);
            await call.RequestStream.WriteAsync(new ImportMessagesRequest { Offset = offset, Data = ByteString.CopyFrom(content, offset, length) });
        }

        await call.RequestStream.CompleteAsync();
        return await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => call.ResponseAsync);
    }
}
