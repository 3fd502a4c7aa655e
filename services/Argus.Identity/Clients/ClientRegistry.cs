using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Identity.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Argus.Identity.Clients;

/// <summary>
/// Registering and managing clients. Each change and its entry in the admin trail are saved by one
/// SaveChanges, so the trail never misses a change nor records one that did not happen.
/// </summary>
public sealed partial class ClientRegistry(
    OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication> applications,
    IdentityDbContext db,
    IOptions<IdentityOptions> options,
    ClientCertificateAuthority authority,
    TimeProvider clock)
{
    /// <summary>What a client that acts for no agency and is no administrator (a JIT-wide tool) may hold: reads only.</summary>
    public static readonly IReadOnlyList<string> JitWideToolScopes =
    [
        ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead, ArgusScopes.InterceptsRead, ArgusScopes.AdminRead,
    ];

    public async Task<(ClientView Client, string? Secret)> CreateAsync(NewClient request, string actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Check(ClientIdPattern().IsMatch(request.ClientId), "client_id", "must be 3 to 64 lower-case letters, digits, dots and hyphens, e.g. \"argus-nl\".");
        errors.Check(request.Kind is not null, "kind", "is required.");
        errors.Check(request.Authentication is not null, "authentication_method", "is required.");
        errors.Check(request.DisplayName.Length <= 200, "display_name", "is longer than 200 characters.");
        var agency = request.Agency is { Length: > 0 } code ? code : null;
        CheckAudiencesAndScopes(request.Audiences, request.Scopes, agency, request.Kind, errors);
        var agencies = options.Value.Audiences.Where(a => a.StartsWith("urn:argus:agency:", StringComparison.Ordinal)).Select(a => a["urn:argus:agency:".Length..]).ToList();
        errors.Check(agency is null || agencies.Contains(agency), "agency", $"must be one of {string.Join(", ", agencies)}.");
        errors.Check(agency is not null || request.Kind != ClientKind.AgencyService, "agency", "is required for an agency service: the agency it acts for.");
        var now = clock.GetUtcNow();
        var certificates = request.CertificatesPem.Select((pem, i) => ReadCertificate(pem, $"certificates_pem[{i}]", now, errors)).ToList();
        if (request.Authentication == AuthenticationMethod.MutualTls)
        {
            errors.Check(certificates.Count > 0, "certificates_pem", "needs at least one certificate for mutual TLS.");
        }
        else if (request.Authentication == AuthenticationMethod.ClientSecret)
        {
            errors.Check(certificates.Count == 0, "certificates_pem", "is only for mutual TLS clients.");
        }

        errors.ThrowIfAny();
        if (await applications.FindByClientIdAsync(request.ClientId, cancellationToken) is not null)
        {
            throw new ResourceAlreadyExistsException($"clients/{request.ClientId} already exists.");
        }

        var secret = request.Authentication == AuthenticationMethod.ClientSecret ? NewSecret() : null;
        var profile = new ClientProfile
        {
            Kind = request.Kind!.Value,
            Authentication = request.Authentication!.Value,
            Agency = agency,
            Certificates = certificates.Where(c => c is not null).Select(c => c!).DistinctBy(c => c.Sha256Thumbprint).ToList(),
            CreateTime = now,
            UpdateTime = now,
        };
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = request.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = request.DisplayName.Length > 0 ? request.DisplayName : request.ClientId,
        };
        SetPermissions(descriptor, request.Audiences, request.Scopes);
        SetKeys(descriptor, profile);
        descriptor.Properties[ClientProfile.PropertyName] = profile.ToJson();

        var view = View(descriptor, profile);
        Record(actor, "create", view, before: null, after: view);
        await applications.CreateAsync(descriptor, cancellationToken);
        return (view, secret);
    }

    public async Task<ClientView> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        var (_, descriptor, profile) = await LoadAsync(clientId, cancellationToken);
        return View(descriptor, profile);
    }

    /// <summary>
    /// A page of clients. Without <paramref name="filter"/> the store pages; with one, every client
    /// is read and those it keeps are paged here (the client table is small), so offsets count
    /// kept clients only.
    /// </summary>
    public async Task<(IReadOnlyList<ClientView> Clients, int? Next)> ListAsync(int pageSize, int offset, Func<ClientView, bool>? filter, CancellationToken cancellationToken)
    {
        var page = new List<ClientView>();
        var kept = 0;
        var source = filter is null
            ? applications.ListAsync(pageSize + 1, offset, cancellationToken)
            : applications.ListAsync((int?)null, (int?)null, cancellationToken);
        await foreach (var application in source)
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application, cancellationToken);
            var view = View(descriptor, ClientProfile.From(descriptor.Properties));
            if (filter is not null && (!filter(view) || kept++ < offset))
            {
                continue;
            }

            page.Add(view);
            if (page.Count > pageSize)
            {
                break;
            }
        }

        return page.Count > pageSize ? (page[..pageSize], offset + pageSize) : (page, null);
    }

    public Task<ClientView> UpdateAsync(string clientId, string? displayName, IReadOnlyList<string>? audiences, IReadOnlyList<string>? scopes, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, "update", actor, (descriptor, profile) =>
        {
            var errors = new FieldErrors();
            var current = View(descriptor, profile);
            CheckAudiencesAndScopes(audiences ?? current.Audiences, scopes ?? current.Scopes, profile.Agency, profile.Kind, errors);
            errors.Check(displayName is null || displayName.Length is > 0 and <= 200, "client.display_name", "must be 1 to 200 characters.");
            errors.ThrowIfAny();
            descriptor.DisplayName = displayName ?? descriptor.DisplayName;
            SetPermissions(descriptor, audiences ?? current.Audiences, scopes ?? current.Scopes);
            return profile;
        }, cancellationToken);

    /// <summary>A new secret; the old one keeps working for the configured grace period.</summary>
    public async Task<(ClientView Client, string Secret)> RotateSecretAsync(string clientId, string actor, CancellationToken cancellationToken)
    {
        var secret = NewSecret();
        var (application, _, _) = await LoadAsync(clientId, cancellationToken);
        var previousHash = application.ClientSecret;
        var view = await ChangeAsync(clientId, "rotate-secret", actor, (descriptor, profile) =>
        {
            if (profile.Authentication != AuthenticationMethod.ClientSecret)
            {
                throw new PreconditionFailedException($"clients/{clientId} authenticates with a certificate; rotate its certificate instead (add-cert, then remove-cert).");
            }

            descriptor.ClientSecret = secret;
            return profile with { PreviousSecretHash = previousHash, PreviousSecretExpires = clock.GetUtcNow() + options.Value.SecretRotationGracePeriod };
        }, cancellationToken);
        return (view, secret);
    }

    /// <summary>Sets a known secret without a grace period (the bootstrap administrator's configured one).</summary>
    internal async Task SetSecretAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        var (application, _, _) = await LoadAsync(clientId, cancellationToken);
        await applications.UpdateAsync(application, secret, cancellationToken);
    }

    public Task<ClientView> AddCertificateAsync(string clientId, string pem, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, "add-certificate", actor, (_, profile) =>
        {
            var errors = new FieldErrors();
            var certificate = ReadCertificate(pem, "certificate_pem", clock.GetUtcNow(), errors);
            errors.ThrowIfAny();
            if (profile.Authentication != AuthenticationMethod.MutualTls)
            {
                throw new PreconditionFailedException($"clients/{clientId} authenticates with a secret; certificates are for mutual TLS clients.");
            }

            return profile.Certificates.Any(c => c.Sha256Thumbprint == certificate!.Sha256Thumbprint)
                ? profile
                : profile with { Certificates = [.. profile.Certificates, certificate!] };
        }, cancellationToken);

    public Task<ClientView> RemoveCertificateAsync(string clientId, string thumbprint, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, "remove-certificate", actor, (_, profile) =>
        {
            var normalised = thumbprint.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
            if (!profile.Certificates.Any(c => c.Sha256Thumbprint == normalised))
            {
                throw new ResourceNotFoundException($"clients/{clientId}/certificates/{normalised}");
            }

            if (profile.Certificates.Count == 1)
            {
                throw new PreconditionFailedException($"This is the last certificate of clients/{clientId}; add its successor first, or disable the client.");
            }

            return profile with { Certificates = profile.Certificates.Where(c => c.Sha256Thumbprint != normalised).ToList() };
        }, cancellationToken);

    public Task<ClientView> SetDisabledAsync(string clientId, bool disabled, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(clientId, disabled ? "disable" : "enable", actor, (_, profile) => profile with { Disabled = disabled }, cancellationToken);

    public async Task DeleteAsync(string clientId, string actor, CancellationToken cancellationToken)
    {
        var (application, descriptor, profile) = await LoadAsync(clientId, cancellationToken);
        Record(actor, "delete", View(descriptor, profile), before: View(descriptor, profile), after: null);
        await applications.DeleteAsync(application, cancellationToken);
    }

    public async Task<(IReadOnlyList<AdminEventEntity> Events, long? Next)> ListEventsAsync(string? target, int pageSize, long before, CancellationToken cancellationToken)
    {
        var events = db.AdminEvents.AsNoTracking().Where(e => before == 0 || e.Sequence < before);
        if (target is { Length: > 0 })
        {
            events = events.Where(e => e.Target == target);
        }

        var page = await events.OrderByDescending(e => e.Sequence).Take(pageSize + 1).ToListAsync(cancellationToken);
        return page.Count > pageSize ? (page[..pageSize], page[pageSize - 1].Sequence) : (page, null);
    }

    private async Task<ClientView> ChangeAsync(string clientId, string action, string actor, Func<OpenIddictApplicationDescriptor, ClientProfile, ClientProfile> change, CancellationToken cancellationToken)
    {
        var (application, descriptor, profile) = await LoadAsync(clientId, cancellationToken);
        var before = View(descriptor, profile);
        var changed = change(descriptor, profile) with { UpdateTime = clock.GetUtcNow() };
        SetKeys(descriptor, changed);
        descriptor.Properties[ClientProfile.PropertyName] = changed.ToJson();
        var after = View(descriptor, changed);
        Record(actor, action, after, before, after);
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        return after;
    }

    private async Task<(OpenIddictEntityFrameworkCoreApplication, OpenIddictApplicationDescriptor, ClientProfile)> LoadAsync(string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new ResourceNotFoundException($"clients/{clientId}");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        return (application, descriptor, ClientProfile.From(descriptor.Properties));
    }

    private void Record(string actor, string action, ClientView client, ClientView? before, ClientView? after) =>
        db.AdminEvents.Add(new AdminEventEntity
        {
            Time = clock.GetUtcNow(),
            Actor = actor,
            Action = action,
            Target = client.Name,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, ClientProfile.Json),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, ClientProfile.Json),
        });

    private void CheckAudiencesAndScopes(IReadOnlyList<string> audiences, IReadOnlyList<string> scopes, string? agency, ClientKind? kind, FieldErrors errors)
    {
        errors.Check(audiences.Count > 0, "audiences", "needs at least one audience, e.g. \"urn:argus:agency:nl\".");
        foreach (var audience in audiences.Where(a => !options.Value.Audiences.Contains(a)))
        {
            errors.Add("audiences", $"\"{audience}\" is not an audience of this identity server: {string.Join(", ", options.Value.Audiences)}.");
        }

        errors.Check(scopes.Count > 0, "scopes", "needs at least one scope.");
        foreach (var scope in scopes.Where(s => !ArgusScopes.All.Contains(s)))
        {
            errors.Add("scopes", $"\"{scope}\" is not an Argus scope: {string.Join(", ", ArgusScopes.All)}.");
        }

        // A partner system that acts for no agency is a JIT-wide tool (a dashboard): it reads, it
        // never changes records nor exchanges them. (An agency service must name its agency anyway;
        // an administrator's rights are its admin scopes.)
        if (agency is null && kind == ClientKind.PartnerSystem)
        {
            foreach (var scope in scopes.Where(s => ArgusScopes.All.Contains(s) && !JitWideToolScopes.Contains(s)))
            {
                errors.Add("scopes", $"\"{scope}\" needs an agency: a client that acts for none may hold only {string.Join(", ", JitWideToolScopes)}.");
            }
        }
    }

    private RegisteredCertificate? ReadCertificate(string pem, string field, DateTimeOffset now, FieldErrors errors)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            errors.Add(field, "is not a PEM certificate (-----BEGIN CERTIFICATE-----).");
            return null;
        }

        using (certificate)
        {
            if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                errors.Add(field, $"expired on {certificate.NotAfter:yyyy-MM-dd}.");
                return null;
            }

            if (!authority.Issued(certificate))
            {
                errors.Add(field, "was not issued by the CA this identity server trusts for client certificates.");
                return null;
            }

            return new RegisteredCertificate(Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)), certificate.Subject,
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), now, certificate.ExportCertificatePem());
        }
    }

    private static void SetPermissions(OpenIddictApplicationDescriptor descriptor, IEnumerable<string> audiences, IEnumerable<string> scopes)
    {
        descriptor.Permissions.Clear();
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        foreach (var scope in scopes.Distinct())
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        foreach (var audience in audiences.Distinct())
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Resource + audience);
        }
    }

    /// <summary>
    /// OpenIddict knows a confidential client without a secret by its key set: the registered
    /// certificates' public keys. Which certificate may authenticate is decided by
    /// ArgusApplicationManager from the profile.
    /// </summary>
    private static void SetKeys(OpenIddictApplicationDescriptor descriptor, ClientProfile profile)
    {
        if (profile.Authentication != AuthenticationMethod.MutualTls)
        {
            descriptor.JsonWebKeySet = null;
            return;
        }

        var keys = new JsonWebKeySet();
        foreach (var registered in profile.Certificates)
        {
            using var certificate = X509Certificate2.CreateFromPem(registered.Pem);
            var key = JsonWebKeyConverter.ConvertFromX509SecurityKey(new X509SecurityKey(certificate), representAsRsaKey: false);
            key.Use = JsonWebKeyUseNames.Sig;
            keys.Keys.Add(key);
        }

        descriptor.JsonWebKeySet = keys;
    }

    private static ClientView View(OpenIddictApplicationDescriptor descriptor, ClientProfile profile) => new(
        descriptor.ClientId ?? "",
        descriptor.DisplayName ?? "",
        profile.Kind,
        profile.Authentication,
        descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Resource, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Resource.Length..]).Order().ToList(),
        descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..]).Order().ToList(),
        profile.Certificates,
        profile.Disabled,
        profile.PreviousSecretExpires is { } expires && expires > DateTimeOffset.UtcNow ? expires : null,
        profile.CreateTime,
        profile.UpdateTime,
        profile.Agency);

    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,62}[a-z0-9]$")]
    private static partial Regex ClientIdPattern();
}
