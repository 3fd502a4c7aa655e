using System.Diagnostics;
using Argus.Client;
using Argus.Client.Security;
using Grpc.Core;
using Grpc.Health.V1;

namespace Argus.Testing;

/// <summary>
/// A national service as its own operating-system process — built exactly as deployed — so a test
/// can kill it outright (SIGKILL) and start it again on the same data.
/// </summary>
public sealed class AgencyProcess : IAsyncDisposable
{
    private readonly Process process;

    private AgencyProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="project">"Argus.Netherlands" or "Argus.Belgium".</param>
    public static async Task<AgencyProcess> StartAsync(string project, string agencyCode, int port, string dataDirectory, RunningIdentity identity, params string[] extraArgs)
    {
        var pki = TestPki.Pki;
        var assembly = Path.Combine(RepositoryRoot(), "services", project, "bin", BuildConfiguration(), "net10.0", $"{project}.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the solution first.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            assembly,
            $"--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:{port}",
            $"--Kestrel:Endpoints:Grpc:Certificate:Path={pki.CertificatePath($"{agencyCode}-server")}",
            $"--Kestrel:Endpoints:Grpc:Certificate:KeyPath={pki.KeyPath($"{agencyCode}-server")}",
            $"--Argus:DataDirectory={dataDirectory}",
            $"--Argus:Auth:Authority={identity.Issuer}",
            $"--Argus:Auth:CaCertificatePath={pki.CaCertificatePath}",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(extraArgs))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var running = new AgencyProcess(process, new Uri($"https://127.0.0.1:{port}"));
        await running.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        return running;
    }

    /// <summary>SIGKILL: no shutdown, no flushing — as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var client = new AgencyClient(Address, new ArgusChannelOptions { HttpHandler = TrustedCertificates.Handler(RunningIdentity.CaCertificate) });
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {process.ExitCode} while starting.");
            }

            try
            {
                var health = await client.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (health.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < until)
            {
            }

            await Task.Delay(200);
        }
    }

    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Argus.Micro.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Argus.Micro.sln not found above the test folder.");
    }
}
