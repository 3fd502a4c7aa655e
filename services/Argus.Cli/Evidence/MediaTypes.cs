namespace Argus.Cli.Evidence;

/// <summary>A file's media type from its extension, for uploads that do not name one.</summary>
internal static class MediaTypes
{
    public static string Of(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".zip" => "application/zip",
        ".7z" => "application/x-7z-compressed",
        ".gz" or ".tgz" => "application/gzip",
        ".tar" => "application/x-tar",
        ".json" => "application/json",
        ".ndjson" => "application/x-ndjson",
        ".pdf" => "application/pdf",
        ".ufdr" => "application/vnd.cellebrite.ufdr",
        ".csv" => "text/csv",
        ".txt" => "text/plain",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".mp4" => "video/mp4",
        ".mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    };
}
