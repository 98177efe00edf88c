namespace Vault.Api;

/// <summary>What <see cref="VaultApp"/> says once at start.</summary>
internal static partial class VaultAppLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "key derivation: scrypt by {ScryptEngine}")]
    public static partial void ScryptEngine(ILogger logger, string scryptEngine);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "database: {Warning}")]
    public static partial void DatabaseWarning(ILogger logger, string warning);
}
