namespace Vault.Api.ClientSecrets;

/// <summary>
/// Every <see cref="ClientSecretTimings.Poll"/>, reads the stored client secret, so a secret another instance stored is in
/// use here within one poll, and asks for a rotation when the secret's known expiry is within SPAPI_ROTATE_BEFORE_DAYS
/// (claimed once per window across instances).
/// </summary>
public sealed partial class ClientSecretPoller(StoredClientSecrets stored, ClientSecretTimings timings, TimeProvider time, ILogger<ClientSecretPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var row = await stored.RefreshAsync(stoppingToken);
                if (stored.RotationDue(row))
                    await stored.RequestRotationAsync("expiry within SPAPI_ROTATE_BEFORE_DAYS", stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed look (the database away, a pool exhausted) must not stop the vault; the next poll tries again.
                PollFailed(logger, e.GetType().Name);
            }
            await Task.Delay(timings.Poll, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(EventId = 1609, Level = LogLevel.Warning, Message = "The stored client secret could not be read ({Error}); the secrets in use stay")]
    private static partial void PollFailed(ILogger logger, string error);
}
