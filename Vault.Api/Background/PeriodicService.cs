namespace Vault.Api.Background;

/// <summary>
/// Work the vault repeats on a timer: a pass at start when <paramref name="runsAtStart"/>, then one every
/// <paramref name="interval"/> of the injected clock, so tests drive it with a fake one. A pass that fails for a reason the next one may not meet
/// (a database away) is logged by <see cref="LoggedAndRetried"/> and the loop goes on; anything else is a bug and stops the
/// host, as a failing <see cref="BackgroundService"/> does. Only stopping ends the loop.
/// </summary>
public abstract class PeriodicService(TimeSpan interval, TimeProvider clock, bool runsAtStart = false) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected abstract Task RunOnceAsync(CancellationToken ct);

    /// <summary>Logs <paramref name="failure"/> and returns true when the next pass should simply try again.</summary>
    protected abstract bool LoggedAndRetried(Exception failure);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Clock);
        try
        {
            if (runsAtStart)
                await PassAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await PassAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        try
        {
            await RunOnceAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && LoggedAndRetried(e))
        {
            // logged; the next tick tries again
        }
    }
}
