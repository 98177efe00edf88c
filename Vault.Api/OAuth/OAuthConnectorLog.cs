using Vault.Api.Amazon;

namespace Vault.Api.OAuth;

/// <summary><see cref="OAuthConnector"/>'s log lines: never the code, state, ticket or secret.</summary>
internal static partial class OAuthConnectorLog
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "code exchange for {Tenant}/{SellerId}/{Api} failed: {Failure} {AmazonCode}")]
    public static partial void CodeExchangeFailed(ILogger logger, string tenant, string sellerId, string api, LwaFailure failure, string? amazonCode);
}
