namespace Vault.Api.OAuth;

/// <summary>What <see cref="OneTimePurge"/> says when a purge fails.</summary>
internal static partial class OneTimePurgeLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "purging expired OAuth tickets and states failed")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
