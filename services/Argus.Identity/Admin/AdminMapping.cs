using Argus.Identity.Clients;
using Argus.Identity.Persistence;
using Google.Protobuf.WellKnownTypes;
using Proto = Argus.Identity.V1;

namespace Argus.Identity.Admin;

internal static class AdminMapping
{
    public static Proto.Client ToProto(ClientView client)
    {
        var proto = new Proto.Client
        {
            Name = client.Name,
            ClientId = client.ClientId,
            DisplayName = client.DisplayName,
            Kind = client.Kind switch
            {
                ClientKind.AgencyService => Proto.ClientKind.AgencyService,
                ClientKind.PartnerSystem => Proto.ClientKind.PartnerSystem,
                ClientKind.Administrator => Proto.ClientKind.Administrator,
                _ => Proto.ClientKind.Unspecified,
            },
            AuthenticationMethod = client.Authentication switch
            {
                AuthenticationMethod.MutualTls => Proto.AuthenticationMethod.MutualTls,
                AuthenticationMethod.ClientSecret => Proto.AuthenticationMethod.ClientSecret,
                _ => Proto.AuthenticationMethod.Unspecified,
            },
            Disabled = client.Disabled,
            Agency = client.Agency ?? "",
            PreviousSecretExpireTime = client.PreviousSecretExpires is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
            CreateTime = Timestamp.FromDateTimeOffset(client.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(client.UpdateTime),
        };
        proto.Audiences.AddRange(client.Audiences);
        proto.Scopes.AddRange(client.Scopes);
        proto.Certificates.AddRange(client.Certificates.Select(c => new Proto.ClientCertificate
        {
            Sha256Thumbprint = c.Sha256Thumbprint,
            Subject = c.Subject,
            NotAfter = Timestamp.FromDateTimeOffset(c.NotAfter),
            AddTime = Timestamp.FromDateTimeOffset(c.AddTime),
        }));
        return proto;
    }

    public static ClientKind? ToDomain(Proto.ClientKind kind) => kind switch
    {
        Proto.ClientKind.AgencyService => ClientKind.AgencyService,
        Proto.ClientKind.PartnerSystem => ClientKind.PartnerSystem,
        Proto.ClientKind.Administrator => ClientKind.Administrator,
        _ => null,
    };

    public static AuthenticationMethod? ToDomain(Proto.AuthenticationMethod method) => method switch
    {
        Proto.AuthenticationMethod.MutualTls => AuthenticationMethod.MutualTls,
        Proto.AuthenticationMethod.ClientSecret => AuthenticationMethod.ClientSecret,
        _ => null,
    };

    public static Proto.AdminEvent ToProto(AdminEventEntity entry) => new()
    {
        Sequence = entry.Sequence,
        Time = Timestamp.FromDateTimeOffset(entry.Time),
        Actor = entry.Actor,
        Action = entry.Action,
        Target = entry.Target,
        BeforeJson = entry.BeforeJson ?? "",
        AfterJson = entry.AfterJson ?? "",
    };
}
