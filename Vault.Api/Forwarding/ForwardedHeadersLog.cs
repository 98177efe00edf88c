namespace Vault.Api.Forwarding;

/// <summary>What <see cref="ForwardedHeadersExtensions"/> says once at start.</summary>
internal static partial class ForwardedHeadersLog
{
    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "client address: from {Header}, trusted from {Peers}")]
    public static partial void ClientAddress(ILogger logger, string header, string peers);
}
