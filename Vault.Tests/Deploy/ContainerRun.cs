using System.Diagnostics;
using Vault.AmazonSimulator;
using Vault.Tests.Support;

namespace Vault.Tests.Deploy;

/// <summary>
/// deploy/start.sh run as the container runs it (restore if missing, then litestream replicate -exec the vault),
/// with the image's paths pointed into a temp folder and the built Vault.Api.dll as the app.
/// </summary>
public sealed class ContainerRun : IAsyncDisposable
{
    private readonly Process _process;

    private ContainerRun(Process process, ProcessOutput output, Uri baseAddress)
    {
        _process = process;
        Output = output;
        BaseAddress = baseAddress;
    }

    public ProcessOutput Output { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The vault's settings as a deployment gives them (docs/API.md), for a database at <paramref name="database"/>.</summary>
    public static Dictionary<string, string> VaultEnvironment(string database, string litestreamConfig, int port) => new()
    {
        ["VAULT_DATABASE"] = database,
        ["VAULT_APP"] = DeployTools.VaultDll,
        ["LITESTREAM_CONFIG"] = litestreamConfig,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["PUBLIC_BASE_URL"] = $"http://127.0.0.1:{port}/",
        ["COOKIE_ENCRYPTION_KEY"] = VaultHarness.CookieKey,
        ["JWT_SECRET"] = VaultHarness.JwtSecret,
        ["SPAPI_APP_ID"] = SimulatorOptions.DefaultSpApiApplicationId,
        ["SPAPI_LWA_CLIENT_ID"] = SimulatorOptions.DefaultSpApiClientId,
        ["SPAPI_LWA_CLIENT_SECRET"] = SimulatorOptions.DefaultSpApiClientSecret,
        ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin,
        ["PATH"] = DeployTools.SearchPath(),
    };

    /// <summary>Starts deploy/start.sh and waits until /readyz answers 200 (or fails with the output so far).</summary>
    public static async Task<ContainerRun> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = DeployFiles.PortOf(environment["ASPNETCORE_URLS"]);
        var process = Process.Start(DeployProcess.StartInfo("/bin/sh", [DeployFiles.PathOf("deploy", "start.sh")], environment))
            ?? throw new InvalidOperationException("could not start deploy/start.sh");
        process.StandardInput.Close();
        var output = new ProcessOutput();
        output.Attach(process);
        var run = new ContainerRun(process, output, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await run.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>The name of the program the started PID is now: start.sh execs into litestream, or into dotnet alone.</summary>
    public string Command() => File.ReadAllText($"/proc/{_process.Id}/comm").Trim();

    /// <summary>What a lost machine does: SIGKILL to Litestream and the vault at once, no final sync.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>What Fly does on a deploy: SIGTERM, which Litestream forwards to the vault before its last sync.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        await DeployProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"start.sh did not stop on SIGTERM within 20 s:\n{Output.Tail()}");
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"start.sh exited with {(_process.HasExited ? _process.ExitCode : 0)} before the vault was ready:\n{Output.Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // still starting
            }
            Assert.True(DateTime.UtcNow < deadline, $"the vault was not ready within {timeout.TotalSeconds} s:\n{Output.Tail()}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
