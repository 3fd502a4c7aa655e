using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Argus.Identity.Keys;

/// <summary>
/// The identity server's keys, as PEM files in one folder so they survive restarts and can be
/// backed up, rotated and shared by several instances. A file "signing-{yyyyMMddTHHmmssZ}.pem" is
/// a signing key created at that time: the newest signs; older ones are still published (so
/// tokens they signed stay valid) until the grace period after they were superseded has passed.
/// Rotation: <see cref="Rotate"/> (or drop in a new file) and restart.
/// </summary>
public sealed class SigningKeyRing
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    private SigningKeyRing(IReadOnlyList<RsaSecurityKey> signing, RsaSecurityKey encryption)
    {
        SigningKeys = signing;
        EncryptionKey = encryption;
    }

    /// <summary>Newest first: the first signs, all are published in the JWKS.</summary>
    public IReadOnlyList<RsaSecurityKey> SigningKeys { get; }

    /// <summary>Required by OpenIddict for its own encrypted artefacts; access tokens are signed, not encrypted.</summary>
    public RsaSecurityKey EncryptionKey { get; }

    public static SigningKeyRing LoadOrCreate(string directory, TimeSpan gracePeriod, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        if (!Directory.EnumerateFiles(directory, "signing-*.pem").Any())
        {
            Rotate(directory, now);
        }

        if (!Directory.EnumerateFiles(directory, "encryption-*.pem").Any())
        {
            Write(Path.Combine(directory, $"encryption-{now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}.pem"));
        }

        var signing = Directory.EnumerateFiles(directory, "signing-*.pem")
            .Select(path => (Path: path, Created: Created(path)))
            .Where(key => key.Created <= now)
            .OrderByDescending(key => key.Created)
            .ToList();
        var published = signing
            .Where((key, i) => i == 0 || signing[i - 1].Created + gracePeriod > now)
            .Select(key => Load(key.Path))
            .ToList();
        var encryption = Load(Directory.EnumerateFiles(directory, "encryption-*.pem").Order().Last());
        return new SigningKeyRing(published, encryption);
    }

    /// <summary>Creates a new signing key that takes over at the next start.</summary>
    public static string Rotate(string directory, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"signing-{now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}.pem");
        Write(path);
        return path;
    }

    private static void Write(string path)
    {
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static RsaSecurityKey Load(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = Path.GetFileNameWithoutExtension(path) };
    }

    private static DateTimeOffset Created(string path)
    {
        var stamp = Path.GetFileNameWithoutExtension(path)["signing-".Length..];
        return DateTimeOffset.TryParseExact(stamp, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created)
            ? created
            : throw new InvalidOperationException($"{path}: signing key files are named signing-{TimeFormat}.pem.");
    }
}
