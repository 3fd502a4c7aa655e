using Argus.Agency;
using Argus.Belgium;

await using var app = await AgencyHost.BuildAsync(args, new BelgianJurisdiction());
await app.RunAsync();
