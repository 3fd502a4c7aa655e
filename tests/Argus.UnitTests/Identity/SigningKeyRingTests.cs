using Argus.Identity.Keys;

namespace Argus.UnitTests.Identity;

public sealed class SigningKeyRingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("argus-keys-").FullName;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_start_creates_persistent_keys_and_the_next_start_reuses_them()
    {
        var first = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start);
        var second = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start.AddHours(1));

        Assert.Single(first.SigningKeys);
        Assert.Equal(first.SigningKeys[0].KeyId, second.SigningKeys[0].KeyId);
        Assert.Equal(first.SigningKeys[0].Rsa.ExportParameters(false).Modulus, second.SigningKeys[0].Rsa.ExportParameters(false).Modulus);
    }

    [Fact]
    public void After_a_rotation_the_new_key_signs_and_the_old_one_is_published_for_the_grace_period()
    {
        var original = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start).SigningKeys[0].KeyId;
        SigningKeyRing.Rotate(directory, Start.AddDays(30));

        var duringGrace = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start.AddDays(30).AddHours(2));
        var afterGrace = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start.AddDays(32));

        Assert.Equal(2, duringGrace.SigningKeys.Count);
        Assert.NotEqual(original, duringGrace.SigningKeys[0].KeyId);
        Assert.Equal(original, duringGrace.SigningKeys[1].KeyId);
        Assert.Equal([duringGrace.SigningKeys[0].KeyId], afterGrace.SigningKeys.Select(k => k.KeyId));
    }

    [Fact]
    public void A_key_dated_in_the_future_does_not_sign_yet()
    {
        SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start);
        SigningKeyRing.Rotate(directory, Start.AddDays(10));

        var ring = SigningKeyRing.LoadOrCreate(directory, TimeSpan.FromDays(1), Start.AddDays(1));

        Assert.Single(ring.SigningKeys);
        Assert.DoesNotContain("20261111", ring.SigningKeys[0].KeyId, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
