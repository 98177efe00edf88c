using Vault.Api.Amazon;

namespace Vault.Api.Tokens;

/// <summary><see cref="ConnectionTokens"/>'s log lines: a connection is named by tenant, seller and api, never by a secret or token.</summary>
internal static partial class ConnectionTokensLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "stored record for {Tenant}/{SellerId}/{Api} is corrupt")]
    public static partial void RecordCorrupt(ILogger logger, string tenant, string sellerId, string api);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "LWA refresh for {Tenant}/{SellerId}/{Api} failed: {Failure} {AmazonCode}")]
    public static partial void RefreshFailed(ILogger logger, string tenant, string sellerId, string api, LwaFailure failure, string? amazonCode);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "re-encrypted {Tenant}/{SellerId}/{Api} under the configured KDF parameters")]
    public static partial void ReEncrypted(ILogger logger, string tenant, string sellerId, string api);
}
