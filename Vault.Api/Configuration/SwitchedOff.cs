namespace Vault.Api.Configuration;

/// <summary>
/// Stands in for a background service its settings leave off (no WEBHOOK_URL, no SPAPI_ROTATION_QUEUE_URL), so that
/// whether it runs is decided from the options when the host starts, not while services are registered.
/// </summary>
internal sealed class SwitchedOff : IHostedService
{
    public static readonly SwitchedOff Service = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
