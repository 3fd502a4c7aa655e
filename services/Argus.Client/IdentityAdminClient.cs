using Argus.Client.Security;
using Argus.Identity.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Argus.Client;

/// <summary>A connection to the identity server's ClientAdminService, as an administrator.</summary>
public sealed class IdentityAdminClient : IDisposable
{
    private readonly GrpcChannel channel;

    public IdentityAdminClient(Uri address, AccessTokenSource tokens, ClientCredentials credentials)
    {
        var options = new ArgusChannelOptions { Credentials = credentials, Tokens = tokens, Audience = ArgusAudiences.Identity };
        string[] reads = ["GetClient", "ListClients", "ListAdminEvents"];
        var invoker = ArgusChannel.Create(address, options, reads.Select(m => new MethodName { Service = "argus.identity.v1.ClientAdminService", Method = m }), out channel);
        Clients = new ClientAdminService.ClientAdminServiceClient(invoker);
    }

    public ClientAdminService.ClientAdminServiceClient Clients { get; }

    public void Dispose() => channel.Dispose();
}
