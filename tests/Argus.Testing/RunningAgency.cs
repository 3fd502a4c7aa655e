using Argus.Agency;
using Argus.Agency.Domain;
using Argus.Agency.Persistence;
using Argus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Testing;

/// <summary>
/// An agency service running in this process on a real Kestrel socket (HTTP/2 on a free loopback
/// port) with its own database, exactly as its Program.cs would build it.
/// </summary>
public sealed class RunningAgency : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder;

    private RunningAgency(WebApplication app, string folder, Uri address)
    {
        this.app = app;
        this.folder = folder;
        Address = address;
        Client = new AgencyClient(address);
    }

    public Uri Address { get; }

    public AgencyClient Client { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<RunningAgency> StartAsync(IJurisdiction jurisdiction, DatabaseProvider provider, params string[] extraArgs)
    {
        var folder = Directory.CreateTempSubdirectory("argus-test-").FullName;
        var args = new List<string>
        {
            "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0",
            $"--Argus:DataDirectory={folder}",
            $"--Database:Provider={provider}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (provider == DatabaseProvider.PostgreSql)
        {
            args.Add($"--Database:ConnectionString={await TestPostgres.CreateDatabaseAsync(jurisdiction.Agency.ToString())}");
        }

        args.AddRange(extraArgs);
        var app = await AgencyHost.BuildAsync([.. args], jurisdiction, contentRoot: folder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningAgency(app, folder, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is the OS's to clean up with the temp folder.
        }
    }
}
