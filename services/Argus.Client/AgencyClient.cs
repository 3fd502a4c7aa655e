using Argus.Arrests.V1;
using Argus.Evidence.V1;
using Argus.Operations.V1;
using Argus.Searches.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Argus.Client;

/// <summary>
/// One connection to an agency service with a client per API. Calls get a default deadline, and
/// reads and creates (which carry a request_id) are retried on Unavailable; updates are not, since
/// a retried update could apply twice.
/// </summary>
public sealed class AgencyClient : IDisposable
{
    private readonly GrpcChannel channel;

    public AgencyClient(Uri address, AgencyClientOptions? options = null)
    {
        options ??= new AgencyClientOptions();
        channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
            ServiceConfig = new ServiceConfig { MethodConfigs = { RetryIdempotentCalls(options.MaxAttempts) } },
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        });
        var invoker = channel.Intercept(new DefaultDeadlineInterceptor(options.DefaultDeadline));
        Operations = new OperationService.OperationServiceClient(invoker);
        HouseSearches = new HouseSearchService.HouseSearchServiceClient(invoker);
        Arrests = new ArrestService.ArrestServiceClient(invoker);
        Evidence = new EvidenceService.EvidenceServiceClient(invoker);
        Health = new Health.HealthClient(invoker);
    }

    public OperationService.OperationServiceClient Operations { get; }

    public HouseSearchService.HouseSearchServiceClient HouseSearches { get; }

    public ArrestService.ArrestServiceClient Arrests { get; }

    public EvidenceService.EvidenceServiceClient Evidence { get; }

    public Health.HealthClient Health { get; }

    public void Dispose() => channel.Dispose();

    private static MethodConfig RetryIdempotentCalls(int maxAttempts)
    {
        var config = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = maxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var (service, methods) in IdempotentMethods)
        {
            foreach (var method in methods)
            {
                config.Names.Add(new MethodName { Service = service, Method = method });
            }
        }

        return config;
    }

    private static readonly (string Service, string[] Methods)[] IdempotentMethods =
    [
        ("argus.operations.v1.OperationService", ["GetOperation", "ListOperations", "CreateOperation"]),
        ("argus.searches.v1.HouseSearchService", ["GetHouseSearch", "ListHouseSearches", "CreateHouseSearch"]),
        ("argus.arrests.v1.ArrestService", ["GetArrest", "ListArrests", "CreateArrest"]),
        ("argus.evidence.v1.EvidenceService", ["GetEvidenceItem", "ListEvidenceItems", "CreateEvidenceItem"]),
        ("grpc.health.v1.Health", ["Check"]),
    ];
}

public sealed class AgencyClientOptions
{
    /// <summary>Applied to calls that set no deadline of their own.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts for idempotent calls on Unavailable, first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Transport override (client certificates, test handlers).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
