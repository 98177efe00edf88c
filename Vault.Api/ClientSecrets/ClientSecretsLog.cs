namespace Vault.Api.ClientSecrets;

/// <summary>What happens to the application's LWA client secrets, named by slot (current, previous, rotated), never by value.</summary>
internal static partial class ClientSecretsLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning,
        Message = "Login with Amazon refused the {Api} client secret '{From}' (invalid_client) and accepted '{To}': every later call uses '{To}'")]
    public static partial void Switched(ILogger logger, string api, string from, string to);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "The {Api} client secret from Amazon's rotation notification is in use")]
    public static partial void UsingRotated(ILogger logger, string api);
}
