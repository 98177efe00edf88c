using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Vault.Api.Auth;

/// <summary>
/// Reads a bare JWKS document (not an OpenID discovery document) into the configuration type the JWT
/// handler refreshes, so the handler's own cache, refresh interval and re-fetch on an unknown kid apply.
/// </summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var json = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var keys = new JsonWebKeySet(json);
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keys };
        foreach (var key in keys.GetSigningKeys())
            configuration.SigningKeys.Add(key);
        return configuration;
    }
}
