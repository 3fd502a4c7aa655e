using Argus.Agency;
using Argus.Netherlands;

await using var app = await AgencyHost.BuildAsync(args, new DutchJurisdiction());
await app.RunAsync();
