using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Vault.Api.Configuration;
using Vault.Api.Errors;
using Vault.Api.Sellers;

namespace Vault.Api.Auth;

/// <summary>Caller authentication (docs/API.md "Callers and credentials") with ASP.NET Core's JWT bearer handler.</summary>
public static class AuthenticationExtensions
{
    /// <summary>Tokens are small; a huge one is an attack on the parser, refused before it is read.</summary>
    public const int MaxTokenBytes = 8 * 1024;

    /// <summary>Distinct valid tokens remembered at once (ValidatedJwtCache); a WMS usually holds a handful.</summary>
    public const int RememberedTokens = 4096;

    public static IServiceCollection AddVaultAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<VaultOptions>((jwt, options) =>
        {
            jwt.MapInboundClaims = false;
            jwt.IncludeErrorDetails = false;
            // Nothing reads the token back from the ticket; storing it costs a dictionary per request.
            jwt.SaveToken = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new ValidatedJwtCache(new JsonWebTokenHandler { MaximumTokenSizeInBytes = MaxTokenBytes, MapInboundClaims = false }, RememberedTokens));
            jwt.TokenValidationParameters = ValidationParameters(options);
            if (options.JwksEndpoint is { } jwks)
            {
                jwt.RequireHttpsMetadata = jwks.Scheme == Uri.UriSchemeHttps;
                jwt.RefreshOnIssuerKeyNotFound = true;
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    jwks.ToString(), new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = jwt.RequireHttpsMetadata })
                {
                    AutomaticRefreshInterval = TimeSpan.FromHours(1),
                    // The least time between re-fetches on an unknown kid: a flood of made-up kids cannot hammer the IdP.
                    RefreshInterval = TimeSpan.FromSeconds(10),
                    // Off: with it, a key the IdP has withdrawn keeps validating tokens for up to an hour (the "last known
                    // good" key set is tried whenever a kid is missing from the current one); README promises a published kid.
                    UseLastKnownGoodConfiguration = false,
                };
            }
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context => AttachTenant(context, options.JwtTenantClaim),
                OnChallenge = WriteUnauthenticated,
            };
        });

        services.AddAuthorizationBuilder().AddScopePolicies();
        DropEagerDataProtectionKeyRing(services);
        return services;
    }

    /// <summary>
    /// AddAuthentication brings ASP.NET data protection, whose hosted service loads (or first creates, as an unencrypted
    /// XML file under ~/.aspnet) a key ring at start. Nothing in the vault protects data with it (OAuth tickets and the
    /// cookie have their own sealers), so it is not started: 3.8 MiB of idle memory and System.Private.Xml, measured.
    /// Were anything to use data protection later, the key ring would still load on that first use.
    /// </summary>
    private static void DropEagerDataProtectionKeyRing(IServiceCollection services)
    {
        var eager = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService");
        if (eager is not null)
            services.Remove(eager);
    }

    private static AuthorizationBuilder AddScopePolicies(this AuthorizationBuilder builder)
    {
        foreach (var scope in Scopes.All)
            builder.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => Scopes.Has(context.User, scope)));
        return builder;
    }

    private static TokenValidationParameters ValidationParameters(VaultOptions options)
    {
        var parameters = new TokenValidationParameters
        {
            // With an identity provider both are always checked (configuration refuses to start without them): a token
            // it issued for another application must not open the vault. Fails closed should either be missing.
            ValidateIssuer = options.JwtIssuer is not null || options.JwksEndpoint is not null,
            ValidIssuer = options.JwtIssuer,
            ValidateAudience = options.JwtAudience is not null || options.JwksEndpoint is not null,
            ValidAudience = options.JwtAudience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(60),
            ValidateIssuerSigningKey = true,
            // Pinning the algorithms is what defeats "none" and HS/RS confusion.
            ValidAlgorithms = options.JwksEndpoint is null ? [SecurityAlgorithms.HmacSha256] : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            NameClaimType = "sub",
        };
        if (options.JwksEndpoint is null)
            parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.JwtSecret!));
        else
            // A token is checked only against the key its kid names: a made-up kid is refused (and prompts a
            // rate-limited re-fetch) instead of being tried against every key the IdP publishes.
            parameters.TryAllIssuerSigningKeys = false;
        return parameters;
    }

    private static Task AttachTenant(TokenValidatedContext context, string tenantClaim)
    {
        // A JSON array becomes several claims: a token naming two tenants names none we could trust.
        string? named = null;
        var count = 0;
        foreach (var claim in context.Principal!.FindAll(tenantClaim))
        {
            named ??= claim.Value;
            count++;
        }
        var tenant = named ?? CallerClaims.DefaultTenant;
        if (count > 1 || !Identifiers.IsValid(tenant))
        {
            context.Fail("the tenant claim is not one valid identifier");
            return Task.CompletedTask;
        }
        context.Principal.Identities.First().AddClaim(new Claim(CallerClaims.TenantClaimType, tenant));
        return Task.CompletedTask;
    }

    private static async Task WriteUnauthenticated(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure is null && string.IsNullOrEmpty(context.Request.Headers.Authorization)
            ? "a bearer token is required"
            : "the bearer token is not valid";
        await Problems.Create(401, "unauthenticated", "Unauthenticated", detail).ExecuteAsync(context.HttpContext);
    }
}
