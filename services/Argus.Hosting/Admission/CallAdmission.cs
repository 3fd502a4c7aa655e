using Argus.Hosting.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Configuration;

namespace Argus.Hosting.Admission;

/// <summary>
/// How many unary calls a service works on at once, and how many may wait for a turn. An
/// overloaded service otherwise takes on every call it is sent, each holding its request, scope and
/// database context until it is answered: the Dutch service grew to ~900 MB when asked for 500
/// writes/s and answering 190 (bench.sh exchange). A call waiting here holds only its request;
/// beyond the queue, a call is refused at once with ResourceExhausted, for the caller to retry later.
/// Streams (imports, pulls, evidence content) are not counted: each is long and bounded by its own
/// limits.
/// </summary>
public sealed class CallAdmission : IDisposable
{
    private readonly SemaphoreSlim turns;
    private readonly int maxWaiting;
    private int waiting;

    public CallAdmission(int concurrent, int queued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queued);
        turns = new SemaphoreSlim(concurrent, concurrent);
        maxWaiting = queued;
    }

    /// <summary>
    /// From "Argus:Limits:ConcurrentCalls" (<see cref="DefaultConcurrentCalls"/>) and
    /// "Argus:Limits:QueuedCalls" (64 waiting per call at once).
    /// </summary>
    public static CallAdmission FromConfiguration(IConfiguration configuration)
    {
        var concurrent = configuration.GetValue("Argus:Limits:ConcurrentCalls", DefaultConcurrentCalls);
        // A queue a few seconds long at most: a call that waited longer had better be refused at
        // once and asked again (its deadline would pass anyway), and each waiting call holds its
        // stream and request. 4,096 waiting took the Dutch service to 440 MB at 2,000 asked writes/s.
        return new(concurrent, configuration.GetValue("Argus:Limits:QueuedCalls", 64 * concurrent));
    }

    /// <summary>
    /// Four calls at once per core. A call mostly computes or waits on its own database, so more at
    /// once only contend: in bench.sh exchange (2026-12-03, 2 cores) 64 at once took the Dutch
    /// service's commit → partner copy p99 at 500 asked writes/s to 1.5 s, 16 to 0.46 s, 8 to 0.30 s,
    /// answering as many writes (230–260/s) or more; bench.sh unary was as fast or faster with 8.
    /// </summary>
    public static int DefaultConcurrentCalls => 4 * Environment.ProcessorCount;

    /// <summary>What a refused call is told.</summary>
    public const string QueueFull = "This service is working at its limit of calls at once and its queue is full (Argus:Limits); try again in a moment.";

    /// <summary>Calls waiting for a turn now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>
    /// Whether a call arriving now would be refused: no turn free and the queue full. A snapshot —
    /// a call let through may still be refused by <see cref="RunAsync{T}"/> a moment later.
    /// </summary>
    public bool IsFull => turns.CurrentCount == 0 && Volatile.Read(ref waiting) >= maxWaiting;

    /// <summary>Whether the call to <paramref name="method"/> ("/package.Service/Method") waits for a turn: unary calls but health checks.</summary>
    public static bool Counts(Grpc.Core.MethodType type, string method) =>
        type == Grpc.Core.MethodType.Unary && !method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal);

    public void Dispose() => turns.Dispose();

    /// <summary>Runs <paramref name="call"/> when it has a turn; refuses it when the queue is full.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        if (!turns.Wait(0, CancellationToken.None))
        {
            if (Interlocked.Increment(ref waiting) > maxWaiting)
            {
                Interlocked.Decrement(ref waiting);
                throw new QuotaExceededException(QueueFull);
            }

            try
            {
                await turns.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }

        try
        {
            return await call();
        }
        finally
        {
            turns.Release();
        }
    }
}

/// <summary>
/// Puts every unary call through the service's <see cref="CallAdmission"/>, except health checks:
/// a load balancer asking whether the service is up must not be told it is exhausted.
/// </summary>
public sealed class CallAdmissionInterceptor(CallAdmission admission) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        CallAdmission.Counts(Grpc.Core.MethodType.Unary, context.Method)
            ? admission.RunAsync(() => continuation(request, context), context.CancellationToken)
            : continuation(request, context);
}
