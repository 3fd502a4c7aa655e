using System.Diagnostics;
using System.Security.Claims;
using Argus.Agency.Shared;
using Argus.Agency.Callers;
using Argus.Agency.Partners;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Hosting.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Connectivity.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Connectivity;

internal sealed class ConnectivityGrpcService(IJurisdiction jurisdiction, PartnerClients partners, TimeProvider clock)
    : Proto.ConnectivityService.ConnectivityServiceBase
{
    [OpenToPartners]
    public override Task<Proto.WhoAmIResponse> WhoAmI(Proto.WhoAmIRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var response = new Proto.WhoAmIResponse
        {
            Agency = CommonMapping.ToProto(jurisdiction.Agency),
            ClientId = user.FindFirstValue("client_id") ?? user.FindFirstValue("sub") ?? "",
            Audience = string.Join(' ', user.FindAll("aud").Select(c => c.Value)),
            CertificateThumbprint = CertificateBinding.BoundThumbprint(user) ?? "",
            ClientAgency = user.FindFirstValue("argus_agency") ?? "",
        };
        response.Scopes.AddRange(user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        if (long.TryParse(user.FindFirstValue("exp"), out var expires))
        {
            response.TokenExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeSeconds(expires));
        }

        return Task.FromResult(response);
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.CheckPartnerResponse> CheckPartner(Proto.CheckPartnerRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var partner = Input.Enum<ProtoCommon.AgencyCode, AgencyCode>(request.Partner, "partner", errors);
        errors.ThrowIfAny();
        if (partner == jurisdiction.Agency)
        {
            throw FieldErrors.Invalid("partner", "is this agency itself; name a partner.");
        }

        var (address, client) = partners.For(partner);
        var response = new Proto.CheckPartnerResponse { Partner = request.Partner, Address = address.ToString(), CheckTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) };
        try
        {
            // Get the token first, so the latency is the partner's alone.
            await client.Health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: context.CancellationToken);
            await client.Connectivity.WhoAmIAsync(new Proto.WhoAmIRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: context.CancellationToken);
            var started = Stopwatch.GetTimestamp();
            response.SeenAs = await client.Connectivity.WhoAmIAsync(new Proto.WhoAmIRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: context.CancellationToken);
            response.Latency = Duration.FromTimeSpan(Stopwatch.GetElapsedTime(started));
            response.Reachable = true;
        }
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            response.Reachable = false;
            response.Error = $"{ex.StatusCode}: {ex.Status.Detail}";
        }

        return response;
    }
}
