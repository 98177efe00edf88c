using System.Diagnostics;

namespace Vault.Tests.Deploy;

/// <summary>Every line a child process printed (stdout and stderr), with the moment it arrived, safe to read while it runs.</summary>
public sealed class ProcessOutput
{
    public sealed record Line(DateTimeOffset At, bool IsError, string Text);

    private readonly List<Line> _lines = [];

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Add(e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<Line> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    /// <summary>Everything printed, stdout and stderr interleaved as it arrived, one line each.</summary>
    public string Text() => string.Join('\n', Lines.Select(l => l.Text));

    public string Tail(int count = 40) => string.Join('\n', Lines.TakeLast(count).Select(l => (l.IsError ? "err| " : "out| ") + l.Text));

    private void Add(string? text, bool isError)
    {
        if (text is null)
            return;
        lock (_lines)
            _lines.Add(new Line(DateTimeOffset.UtcNow, isError, text));
    }
}

/// <summary>Runs a helper (litestream restore, kill) to completion with a given environment, bounded in time.</summary>
public static class DeployProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // Nothing of the test runner's own deployment settings leaks into the child: it gets exactly what the test gives.
        foreach (var key in info.Environment.Keys.Where(IsDeploymentSetting).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return info;
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(fileName, arguments, environment)) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var output = new ProcessOutput();
        output.Attach(process);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time:\n{output.Tail()}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new Result(process.ExitCode, output.Text());
    }

    private static bool IsDeploymentSetting(string key) =>
        key.StartsWith("LITESTREAM_", StringComparison.Ordinal) || key.StartsWith("AWS_", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("VAULT_", StringComparison.Ordinal)
        || key is "DOTNET_URLS" or "PUBLIC_BASE_URL" or "COOKIE_ENCRYPTION_KEY" or "JWT_SECRET" or "JWKS_ENDPOINT" or "ALLOWED_REDIRECT_ORIGINS"
            or "AMAZON_ENDPOINT_OVERRIDE";
}
