using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vault.AmazonSimulator;
using Vault.Api.Observability;

namespace Vault.Tests.Support;

/// <summary>
/// Every log line a vault writes (at the levels its own configuration lets through, scopes included) goes to one
/// file per vault under <c>VAULT_TEST_LOG_DIR/logs</c>, for the leak scan.
/// </summary>
public sealed class FileLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;
    private IExternalScopeProvider? _scopes;

    public FileLogCapture(string directory, string fileName)
    {
        try
        {
            Directory.CreateDirectory(directory);
            _writer = new StreamWriter(Path.Combine(directory, fileName), append: true, Encoding.UTF8) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TestSecrets.RecordError(e);
        }
    }

    /// <summary>A capture for one vault, or null when leak capture is off.</summary>
    public static FileLogCapture? ForRun(string prefix) =>
        TestSecrets.Directory is { } dir ? new FileLogCapture(Path.Combine(dir, TestSecrets.LogsFolder), TestSecrets.NewCaptureName(prefix)) : null;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Raw text from outside a logger (a real process's stdout and stderr).</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            try
            {
                _writer?.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                TestSecrets.RecordError(e);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private sealed class Logger(FileLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder();
            line.Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("]: ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    line.Append(' ').Append(key).Append('=').Append(value);
            }
            owner._scopes?.ForEachScope((scope, builder) =>
            {
                builder.Append(" scope:").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                {
                    foreach (var (key, value) in scopePairs)
                        builder.Append(' ').Append(key).Append('=').Append(value);
                }
            }, line);
            if (exception is not null)
                line.Append(' ').Append(exception);
            owner.WriteLine(line.Replace('\n', ' ').ToString());
        }
    }
}

/// <summary>
/// On the test side of a VaultHarness: records the secrets each request carries (caller JWT, seller secrets,
/// imported refresh tokens, OAuth tickets, codes, states and cookies) and captures every error body the vault
/// answers (problem+json, and the plain OAuth error pages).
/// </summary>
public sealed class HarnessCaptureHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] SecretHeaders = ["x-amazon-token-secret", "x-amazon-token-secret-new"];
    private static readonly string[] QuerySecrets = ["code", "spapi_oauth_code", "state", "ticket"];
    private static readonly string[] BodySecrets = ["refreshToken", "dataBorderBlob"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await RecordAsync(request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        await CaptureErrorAsync(response, cancellationToken);
        return response;
    }

    private static async Task RecordAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Headers.TryGetValues("Authorization", out var authorizations))
        {
            foreach (var value in authorizations)
                TestSecrets.Add("jwt", value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..] : value);
        }
        foreach (var name in SecretHeaders)
        {
            if (request.Headers.TryGetValues(name, out var values))
            {
                foreach (var value in values)
                    TestSecrets.Add("seller-secret", value);
            }
        }
        if (request.Headers.TryGetValues("Cookie", out var cookies))
        {
            foreach (var cookie in cookies.SelectMany(c => c.Split(';')))
                TestSecrets.Add("oauth-cookie", cookie.Split('=', 2) is [_, var value] ? value.Trim() : cookie.Trim());
        }
        if (request.RequestUri is { } uri)
        {
            var query = QueryHelpers.ParseQuery(uri.IsAbsoluteUri ? uri.Query : new Uri(new Uri("http://x/"), uri).Query);
            foreach (var name in QuerySecrets)
            {
                if (query.TryGetValue(name, out var values))
                {
                    foreach (var value in values)
                        TestSecrets.Add(name is "code" or "spapi_oauth_code" ? "authorization-code" : "oauth-" + name, value);
                }
            }
        }
        // Only content that can be read twice: JSON bodies made from strings or bytes, never a streamed upload.
        if (request.Content is ByteArrayContent content && content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && content.Headers.ContentLength is <= 1024 * 1024)
        {
            try
            {
                using var json = JsonDocument.Parse(await content.ReadAsStringAsync(ct));
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in BodySecrets)
                    {
                        if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                            TestSecrets.Add(name == "refreshToken" ? "refresh-token" : "databorder-blob", value.GetString());
                    }
                }
            }
            catch (JsonException)
            {
                // Malformed bodies on purpose (bad-input tests): nothing to record.
            }
        }
    }

    private static async Task CaptureErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if ((int)response.StatusCode < 400 || response.Content.Headers.ContentType?.MediaType is not { } media
            || !(media.Contains("json", StringComparison.OrdinalIgnoreCase) || media.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            || response.Content.Headers.ContentLength is > 256 * 1024)
            return;
        try
        {
            await response.Content.LoadIntoBufferAsync(ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            TestSecrets.Append(TestSecrets.ProblemsFolder, $"{Environment.ProcessId}.txt", $"{(int)response.StatusCode} {media}\n{body}\n");
        }
        catch (HttpRequestException e)
        {
            TestSecrets.RecordError(e);
        }
    }
}

/// <summary>
/// Inside a VaultHarness vault, on every HttpClient it makes: records the credentials the vault sends to Amazon
/// (access tokens, RDTs, authorization codes and refresh tokens in LWA forms), so tokens the vault obtained
/// itself are scanned for too. Passes everything through untouched.
/// </summary>
public sealed class VaultOutgoingCapture : DelegatingHandler
{
    private static readonly string[] FormSecrets = ["code", "refresh_token", "client_secret"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("x-amz-access-token", out var tokens))
        {
            foreach (var token in tokens)
                TestSecrets.Add(SimulatorSecrets.KindOf(token, "access-token"), token);
        }
        if (request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } bearer })
            TestSecrets.Add("access-token", bearer);
        if (request.Content is FormUrlEncodedContent form)
        {
            var fields = QueryHelpers.ParseQuery(await form.ReadAsStringAsync(cancellationToken));
            foreach (var name in FormSecrets)
            {
                if (fields.TryGetValue(name, out var values))
                {
                    foreach (var value in values)
                        TestSecrets.Add(name == "code" ? "authorization-code" : name.Replace('_', '-'), value);
                }
            }
        }
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Everything a simulator issued (refresh and access tokens, codes not yet redeemed, RDTs), read from its stores.</summary>
public static class SimulatorSecrets
{
    public static string KindOf(string value, string fallback) =>
        value.StartsWith("Atzr|", StringComparison.Ordinal) ? "refresh-token"
        : value.StartsWith("Atza|", StringComparison.Ordinal) ? "access-token"
        : value.StartsWith("Atz.sprdt|", StringComparison.Ordinal) ? "rdt"
        : fallback;

    /// <summary>
    /// The keys of the simulator's token and code dictionaries. They are private to the simulator; reading them by
    /// reflection keeps the simulator free of a test-only API, and finding no dictionary at all fails loudly in the scan.
    /// </summary>
    public static IReadOnlyList<(string Kind, string Value)> IssuedBy(SimulatorState state)
    {
        var found = new List<(string, string)>();
        foreach (var (store, fallback) in new (object, string)[] { (state.Tokens, "token"), (state.Codes, "authorization-code"), (state.RestrictedDataTokens, "rdt") })
        {
            foreach (var field in store.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
            {
                if (field.GetValue(store) is not IDictionary dictionary)
                    continue;
                foreach (var key in dictionary.Keys.Cast<object>().ToList())
                {
                    if (key is string value)
                        found.Add((KindOf(value, fallback), value));
                }
            }
        }
        return found;
    }

    public static void Register(SimulatorState state)
    {
        foreach (var (kind, value) in IssuedBy(state))
            TestSecrets.Add(kind, value);
    }
}

/// <summary>The audit table of a vault database, every column of every row, as text (for the leak scan).</summary>
public static class AuditDump
{
    public static string Read(string databasePath)
    {
        if (!File.Exists(databasePath))
            return "";
        var text = new StringBuilder();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM audit_log ORDER BY id";
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\t');
                text.Append('\n');
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            // No audit table: a vault that never migrated (configuration tests).
        }
        return text.ToString();
    }

    /// <summary>Appends a database's audit rows to the run's capture.</summary>
    public static void Capture(string databasePath)
    {
        if (!TestSecrets.Enabled)
            return;
        try
        {
            TestSecrets.Append(TestSecrets.AuditFolder, $"{Environment.ProcessId}.tsv", Read(databasePath));
        }
        catch (SqliteException e)
        {
            TestSecrets.RecordError(e);
        }
    }
}

/// <summary>The /metrics text of each vault, kept for the leak scan.</summary>
public static class MetricsDump
{
    /// <summary>An in-process vault's own metrics (each app has its own), appended to this process's file as it stops.</summary>
    public static void Capture(IServiceProvider services)
    {
        if (!TestSecrets.Enabled)
            return;
        try
        {
            var text = services.GetRequiredService<PrometheusExport>().Render();
            TestSecrets.Append(TestSecrets.MetricsFolder, $"{Environment.ProcessId}.txt", text);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            TestSecrets.RecordError(e);
        }
    }

    /// <summary>A vault in another process: its /metrics over HTTP.</summary>
    public static async Task CaptureAsync(HttpClient http, string name)
    {
        if (!TestSecrets.Enabled)
            return;
        try
        {
            using var response = await http.GetAsync("/metrics");
            if (response.IsSuccessStatusCode)
                TestSecrets.Write(TestSecrets.MetricsFolder, name, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // A vault that is already gone has no metrics to show.
        }
    }
}
