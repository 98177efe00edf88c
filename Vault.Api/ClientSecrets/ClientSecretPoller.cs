using Vault.Api.Background;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// Every <see cref="ClientSecretTimings.Poll"/>, reads the stored client secret, so a secret another instance stored is in
/// use here within one poll, and asks for a rotation when the secret's known expiry is within SPAPI_ROTATE_BEFORE_DAYS
/// (claimed once per window across instances).
/// </summary>
public sealed partial class ClientSecretPoller(StoredClientSecrets stored, ClientSecretTimings timings, TimeProvider time, ILogger<ClientSecretPoller> logger)
    : PeriodicService(timings.Poll, time, runsAtStart: true)
{
    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var row = await stored.RefreshAsync(ct);
        if (stored.RotationDue(row))
            await stored.RequestRotationAsync("expiry within SPAPI_ROTATE_BEFORE_DAYS", ct);
    }

    protected override bool LoggedAndRetried(Exception failure)
    {
        // A failed look (the database away, a pool exhausted) must not stop the vault; the secrets in use stay.
        PollFailed(logger, failure.GetType().Name);
        return true;
    }

    [LoggerMessage(EventId = 1609, Level = LogLevel.Warning, Message = "The stored client secret could not be read ({Error}); the secrets in use stay")]
    private static partial void PollFailed(ILogger logger, string error);
}
