using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator;
using Vault.Api.Amazon;
using Vault.Api.ClientSecrets;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>Counts rotation requests; <see cref="OnRotate"/> plays Amazon (publishes the new secret on the queue).</summary>
public sealed class FakeRotator : IClientSecretRotator
{
    private int _calls;

    public int Calls => _calls;

    public Func<Task>? OnRotate { get; set; }

    public async Task<bool> RotateAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (OnRotate is { } rotate)
            await rotate();
        return true;
    }
}

/// <summary>A vault harness with automatic rotation on a moto queue, short timings and a fake rotator.</summary>
public static class RotatingVault
{
    public const string AppSecretKey = "a-test-app-secret-key-of-exactly-sixty-four-characters-000000000";

    public static Task<VaultHarness> StartAsync(MotoSqs sqs, IClientSecretRotator rotator, Action<Dictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null, Action<SimulatorOptions>? simulator = null) =>
        VaultHarness.StartAsync(
            settings =>
            {
                settings["SPAPI_ROTATION_QUEUE_URL"] = sqs.QueueUrl;
                settings["VAULT_APP_SECRET_KEY"] = TestSecrets.Add("app-secret-key", AppSecretKey);
                settings["AMAZON_PACING"] = "false"; // the load test calls far past getOrders' usage plan on purpose
                configure?.Invoke(settings);
            },
            simulator,
            builder =>
            {
                builder.Services.AddSingleton(sqs.NewClient());
                builder.Services.AddSingleton(rotator);
                builder.Services.AddSingleton(new ClientSecretTimings { Poll = TimeSpan.FromMilliseconds(200), ReceiveWaitSeconds = 1, Backoff = TimeSpan.FromMilliseconds(200) });
                services?.Invoke(builder.Services);
            });

    public static ClientSecretSlot InUse(VaultHarness vault) => vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.SpApi).InUse;

    public static Task<StoredAppClientSecret?> RowAsync(VaultHarness vault) =>
        ((IAppClientSecretStore)vault.Store).GetAppClientSecretAsync("sp-api");

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {(within ?? TimeSpan.FromSeconds(20)).TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }
}
