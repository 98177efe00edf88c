using Vault.Api.Amazon;
using Vault.Api.Configuration;

namespace Vault.Api.OAuth;

/// <summary>Where the seller's browser goes to consent: the ticket's API's consent page in the ticket's region.</summary>
public sealed class ConsentUrl(VaultOptions options, AmazonEndpoints endpoints)
{
    public Uri For(AuthorizationTicket ticket, string state) =>
        AmazonApi.Find(ticket.Api)!.ConsentPage(Region.Find(ticket.Region)!, ticket.MarketplaceId, state, options, endpoints);
}
