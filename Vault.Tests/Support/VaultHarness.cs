using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vault.AmazonSimulator;
using Vault.Api;
using Vault.Api.Configuration;
using Vault.Crypto.Kdf;
using Vault.Storage;
using Vault.Tests.Simulator;

namespace Vault.Tests.Support;

/// <summary>
/// The vault and the Amazon simulator as real Kestrel servers on loopback ports, a fresh SQLite file each,
/// and an HttpClient that neither follows redirects nor keeps cookies (tests do both by hand).
/// </summary>
public sealed class VaultHarness : IAsyncDisposable
{
    public const string JwtSecret = "test-jwt-secret-of-at-least-32-bytes-long!";
    public const string WmsOrigin = "https://wms.example.com";
    public static readonly string CookieKey = new string('c', 32) + new string('K', 32);

    /// <summary>
    /// What the harness's vaults seal under and <see cref="Seed"/> seals with unless told otherwise: scrypt at the lowest
    /// cost a record may carry (log2 N = 10), a sixteenth of production's, because most tests derive keys only on the way to
    /// what they test. A test of re-encryption to the configured cost, or of the KDF's own cost, passes <c>kdf:</c>.
    /// </summary>
    public static readonly ScryptParameters TestKdf = new(ScryptParameters.MinRecordLog2N, 8, 1);

    private readonly WebApplication _vault;
    private readonly FileLogCapture? _logs;

    private VaultHarness(WebApplication vault, RunningSimulator simulator, Uri baseAddress, string directory, KdfParameters kdf, FileLogCapture? logs = null)
    {
        _vault = vault;
        Kdf = kdf;
        _logs = logs;
        Simulator = simulator;
        BaseAddress = baseAddress;
        Directory = directory;
        HttpMessageHandler handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        // Leak capture (TestSecrets): the secrets each request carries are recorded, every error body is kept.
        if (TestSecrets.Enabled)
            handler = new HarnessCaptureHandler(handler);
        Http = new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public RunningSimulator Simulator { get; }

    /// <summary>The KDF parameters this vault is configured with (VaultOptions.Kdf).</summary>
    public KdfParameters Kdf { get; }
    public Uri BaseAddress { get; }
    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "vault.db");
    public HttpClient Http { get; }
    public IVaultStore Store => _vault.Services.GetRequiredService<IVaultStore>();
    public IServiceProvider Services => _vault.Services;

    /// <param name="host">Last say over the vault's builder, e.g. <c>builder.Services.AddSingleton&lt;TimeProvider&gt;(clock)</c>
    /// (VaultApp registers TimeProvider with TryAdd, so this one wins).</param>
    /// <param name="kdf">The vault's configured KDF; <see cref="TestKdf"/> when not given.</param>
    public static async Task<VaultHarness> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<SimulatorOptions>? simulator = null,
        Action<WebApplicationBuilder>? host = null, KdfParameters? kdf = null)
    {
        kdf ??= TestKdf;
        var sim = await RunningSimulator.StartAsync(simulator);
        var directory = Path.Combine(Path.GetTempPath(), "vault-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var settings = new Dictionary<string, string?>
        {
            ["VAULT_DATABASE"] = Path.Combine(directory, "vault.db"),
            ["PUBLIC_BASE_URL"] = baseAddress.ToString(),
            ["COOKIE_ENCRYPTION_KEY"] = CookieKey,
            ["JWT_SECRET"] = JwtSecret,
            ["SPAPI_APP_ID"] = SimulatorOptions.DefaultSpApiApplicationId,
            ["SPAPI_LWA_CLIENT_ID"] = SimulatorOptions.DefaultSpApiClientId,
            ["SPAPI_LWA_CLIENT_SECRET"] = SimulatorOptions.DefaultSpApiClientSecret,
            ["ADS_LWA_CLIENT_ID"] = SimulatorOptions.DefaultAdsClientId,
            ["ADS_LWA_CLIENT_SECRET"] = SimulatorOptions.DefaultAdsClientSecret,
            ["ALLOWED_REDIRECT_ORIGINS"] = WmsOrigin + ",http://127.0.0.1:7777",
            ["AMAZON_ENDPOINT_OVERRIDE"] = sim.BaseAddress + "{host}",
        };
        configure?.Invoke(settings);
        foreach (var name in (string[])["JWT_SECRET", "COOKIE_ENCRYPTION_KEY", "SPAPI_LWA_CLIENT_SECRET", "ADS_LWA_CLIENT_SECRET", "WEBHOOK_SECRET"])
            TestSecrets.Add("configured-" + name.ToLowerInvariant(), settings.GetValueOrDefault(name));
        var logs = FileLogCapture.ForRun("harness");
        WebApplication vault = null!;
        // The port was free when picked, but a parallel test may take it before Kestrel binds: pick again then.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                vault = VaultApp.Build([], builder =>
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                    builder.WebHost.UseSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey, baseAddress.ToString());
                    if (logs is not null)
                    {
                        // At the levels the vault's own configuration lets through: what an operator's log would hold.
                        builder.Logging.AddProvider(logs);
                        builder.Services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new VaultOutgoingCapture()));
                    }
                    builder.Services.PostConfigure<VaultOptions>(options => options.Kdf = kdf);
                    host?.Invoke(builder);
                });
                await vault.MigrateAsync();
                await vault.StartAsync();
                break;
            }
            catch (IOException e) when (attempt < 5 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await vault.DisposeAsync();
                var previous = baseAddress;
                baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
                if (settings["PUBLIC_BASE_URL"] == previous.ToString())
                    settings["PUBLIC_BASE_URL"] = baseAddress.ToString();
            }
            catch
            {
                logs?.Dispose();
                throw;
            }
        }
        return new VaultHarness(vault, sim, baseAddress, directory, kdf, logs);
    }

    public string Jwt(string scopes = TestJwt.AllScopes, string? tenant = null) => TestJwt.Hs256(JwtSecret, scopes, tenant);

    /// <summary>A request with a caller JWT and, when given, the seller secret.</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string? secret = null, object? json = null, string? jwt = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt ?? Jwt());
        if (secret is not null)
            request.Headers.Add("x-amazon-token-secret", secret);
        if (json is not null)
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? secret = null, object? json = null, string? jwt = null)
    {
        using var request = Request(method, path, secret, json, jwt);
        return await Http.SendAsync(request);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (TestSecrets.Enabled)
        {
            MetricsDump.Capture(_vault.Services);
            SimulatorSecrets.Register(Simulator.State);
        }
        Http.Dispose();
        await _vault.StopAsync();
        await _vault.DisposeAsync();
        await Simulator.DisposeAsync();
        Vault.Storage.Sqlite.SqliteDatabase.ClearPool(DatabasePath);
        AuditDump.Capture(DatabasePath);
        _logs?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the OS temp directory is cleaned eventually.
        }
    }
}
