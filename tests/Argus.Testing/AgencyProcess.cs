using System.Diagnostics;
using System.Text;
using Argus.Client;
using Argus.Client.Security;
using Grpc.Core;
using Grpc.Health.V1;

namespace Argus.Testing;

/// <summary>
/// A national service as its own operating-system process — built exactly as deployed — so a test
/// can kill it outright (SIGKILL) and start it again on the same data. What it writes to stdout
/// and stderr is counted, and its last lines kept, so a test can say how much it logged.
/// </summary>
public sealed class AgencyProcess : IAsyncDisposable
{
    /// <summary>How many of the latest log lines <see cref="RecentLog"/> keeps.</summary>
    public const int RecentLogLines = 200;

    private readonly Process process;
    private readonly Lock logGate = new();
    private readonly Queue<string> recentLog = new();
    private long logBytes;
    private long logLines;
    private long stackTraceLines;

    private AgencyProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>UTF-8 bytes of every line written to stdout and stderr so far, a newline each included.</summary>
    public long LogBytes => Interlocked.Read(ref logBytes);

    /// <summary>Lines written to stdout and stderr so far.</summary>
    public long LogLines => Interlocked.Read(ref logLines);

    /// <summary>Lines so far that are frames of a stack trace (see <see cref="IsStackFrame"/>).</summary>
    public long StackTraceLines => Interlocked.Read(ref stackTraceLines);

    /// <summary>The latest <see cref="RecentLogLines"/> lines of stdout and stderr, oldest first.</summary>
    public IReadOnlyList<string> RecentLog
    {
        get
        {
            lock (logGate)
            {
                return [.. recentLog];
            }
        }
    }

    /// <summary>A frame of a .NET stack trace as loggers write it: indented, then "at Namespace.Type.Method(…)".</summary>
    public static bool IsStackFrame(string line) =>
        line.StartsWith("   ", StringComparison.Ordinal) && line.TrimStart().StartsWith("at ", StringComparison.Ordinal);

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
        // As deployed (services/Argus.Agency/README.md, run.sh): the runtime optimises hot methods
        // without its usual wait for a quiet moment, which a service under load never has.
        start.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
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
        var running = new AgencyProcess(process, new Uri($"https://127.0.0.1:{port}"));
        // Nothing is read before BeginOutputReadLine, so no line is missed.
        process.OutputDataReceived += (_, e) => running.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => running.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await running.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
        return running;
    }

    /// <summary>
    /// The most memory the process has had resident since it started, in MB: the kernel's own
    /// high-water mark (VmHWM in /proc/PID/status), so no peak between two samples is missed.
    /// </summary>
    public double PeakResidentMb
    {
        get
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024 / 1e6;
        }
    }

    /// <summary>The CPU time the process has used since it started (user and system, all its threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
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
                throw new InvalidOperationException(
                    $"The service exited with {process.ExitCode} while starting. Its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, RecentLog.TakeLast(30))}");
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

    // Called from the output and the error reader threads at once.
    private void Capture(string? line)
    {
        if (line is null)
        {
            return; // the end of the stream
        }

        Interlocked.Add(ref logBytes, Encoding.UTF8.GetByteCount(line) + 1);
        Interlocked.Increment(ref logLines);
        if (IsStackFrame(line))
        {
            Interlocked.Increment(ref stackTraceLines);
        }

        lock (logGate)
        {
            recentLog.Enqueue(line);
            if (recentLog.Count > RecentLogLines)
            {
                recentLog.Dequeue();
            }
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
