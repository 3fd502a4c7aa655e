using Argus.Identity;
using Argus.Identity.Keys;

// `Argus.Identity rotate-signing-key [--Identity:KeysDirectory=…]` adds a signing key that takes
// over at the next start; otherwise this runs the identity server.
if (args.FirstOrDefault() == "rotate-signing-key")
{
    var directory = args.Select(a => a.Split('=', 2)).FirstOrDefault(a => a[0] == "--Identity:KeysDirectory")?[1] ?? Path.Combine(AppContext.BaseDirectory, "data", "keys");
    Console.WriteLine($"Created {SigningKeyRing.Rotate(directory, DateTimeOffset.UtcNow)}; restart the identity server to sign with it.");
    return 0;
}

await using var app = await IdentityHost.BuildAsync(args);
await app.RunAsync();
return 0;
