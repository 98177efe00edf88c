using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vault.AmazonSimulator;
using Vault.Tests.Support;

namespace Vault.Tests.Acceptance;

/// <summary>
/// The vault as a real process (<c>dotnet Vault.Api.dll</c> from the test output folder) with a clean environment,
/// on a free loopback port, ready when /readyz answers. Its stdout and stderr go to the leak capture when that is
/// on. <see cref="Kill"/> is SIGKILL: no shutdown code runs.
/// </summary>
public sealed class VaultProcess : IAsyncDisposable
{
    private static readonly string[] VaultVariables =
    [
        "VAULT_DATABASE", "VAULT_DATABASE_OWNER", "PUBLIC_BASE_URL", "COOKIE_ENCRYPTION_KEY", "JWT_SECRET", "JWKS_ENDPOINT", "JWT_ISSUER", "JWT_AUDIENCE",
        "JWT_TENANT_CLAIM", "SPAPI_APP_ID", "SPAPI_LWA_CLIENT_ID", "SPAPI_LWA_CLIENT_SECRET", "SPAPI_DRAFT_APP", "ADS_LWA_CLIENT_ID",
        "ADS_LWA_CLIENT_SECRET", "ALLOWED_REDIRECT_ORIGINS", "AMAZON_ENDPOINT_OVERRIDE", "ASPNETCORE_URLS", "AMAZON_ATTEMPT_TIMEOUT_MS",
        "AMAZON_TOTAL_TIMEOUT_MS", "AMAZON_CIRCUIT_BREAK_MS", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_EXPORTER",
        "SPAPI_LWA_CLIENT_SECRET_PREVIOUS", "ADS_LWA_CLIENT_SECRET_PREVIOUS", "SPAPI_ROTATION_QUEUE_URL", "VAULT_APP_SECRET_KEY", "SPAPI_ROTATE_BEFORE_DAYS",
    ];

    private readonly Process _process;
    private readonly FileLogCapture? _capture;
    private readonly ConcurrentQueue<string> _tail = new();

    private VaultProcess(Process process, Uri baseAddress, FileLogCapture? capture)
    {
        _process = process;
        _capture = capture;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Tail => string.Join('\n', _tail);

    /// <summary>The environment of a vault on <paramref name="databasePath"/>; Amazon at <paramref name="amazonOverride"/> (a closed port when none is needed).</summary>
    public static Dictionary<string, string> Environment(string databasePath, string amazonOverride) => new()
    {
        ["VAULT_DATABASE"] = databasePath,
        ["COOKIE_ENCRYPTION_KEY"] = VaultHarness.CookieKey,
        ["JWT_SECRET"] = VaultHarness.JwtSecret,
        ["SPAPI_APP_ID"] = SimulatorOptions.DefaultSpApiApplicationId,
        ["SPAPI_LWA_CLIENT_ID"] = SimulatorOptions.DefaultSpApiClientId,
        ["SPAPI_LWA_CLIENT_SECRET"] = SimulatorOptions.DefaultSpApiClientSecret,
        ["ADS_LWA_CLIENT_ID"] = SimulatorOptions.DefaultAdsClientId,
        ["ADS_LWA_CLIENT_SECRET"] = SimulatorOptions.DefaultAdsClientSecret,
        ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin,
        ["AMAZON_ENDPOINT_OVERRIDE"] = amazonOverride,
    };

    /// <summary>An Amazon that is not there: a loopback port nothing listens on.</summary>
    public static string NoAmazon => $"http://127.0.0.1:{ClosedPort()}/{{host}}";

    public static async Task<VaultProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? readyWithin = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var vault = Launch(environment, port);
            if (await vault.WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60)))
                return vault;
            var tail = vault.Tail;
            await vault.DisposeAsync();
            // The free port can be taken between the probe and the bind: try another one.
            if (attempt >= 3 || !tail.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"the vault did not become ready on port {port}:\n{tail}");
        }
    }

    private static VaultProcess Launch(IReadOnlyDictionary<string, string> environment, int port)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Api.dll"));
        foreach (var name in VaultVariables)
            info.Environment.Remove(name);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // Several instances behind one load balancer share one PUBLIC_BASE_URL: given, it is kept.
        if (!environment.ContainsKey("PUBLIC_BASE_URL"))
            info.Environment["PUBLIC_BASE_URL"] = $"http://127.0.0.1:{port}/";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var vault = new VaultProcess(process, new Uri($"http://127.0.0.1:{port}/"), FileLogCapture.ForRun("process"));
        process.OutputDataReceived += (_, e) => vault.Printed(e.Data);
        process.ErrorDataReceived += (_, e) => vault.Printed(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return vault;
    }

    private void Printed(string? line)
    {
        if (line is null)
            return;
        _capture?.WriteLine(line);
        _tail.Enqueue(line);
        while (_tail.Count > 40)
            _tail.TryDequeue(out _);
    }

    private async Task<bool> WaitReadyAsync(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (deadline.Elapsed < within && !_process.HasExited)
        {
            try
            {
                using var ready = await probe.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                    return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>SIGKILL, and wait until the process is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
    }

    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Resident set size from /proc/&lt;pid&gt;/status, in KiB.</summary>
    public long ResidentKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no VmRSS line");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await MetricsDump.CaptureAsync(Http, $"{System.Environment.ProcessId}-vault-process-{_process.Id}.txt");
            Kill();
        }
        await _process.WaitForExitAsync();
        Http.Dispose();
        _process.Dispose();
        _capture?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port that was free a moment ago and that nobody is listening on now.</summary>
    public static int ClosedPort() => FreePort();
}
