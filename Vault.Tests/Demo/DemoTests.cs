using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vault.Tests.Support;

namespace Vault.Tests.Demo;

/// <summary>The README's "start it" command, run as a newcomer would, and its three printed commands run as printed.</summary>
[Trait("Category", "Slow")] // runs demo.sh, which builds and starts the vault
public sealed partial class DemoTests
{
    [Fact]
    public async Task TheDemoStartsAndItsThreePrintedCommandsSucceed()
    {
        var root = RepositoryRoot();
        var directory = Directory.CreateTempSubdirectory("vault-demo-").FullName;
        var (vaultPort, simPort) = (FreePort(), FreePort());
        var info = new ProcessStartInfo("bash", [Path.Combine(root, "demo.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        info.Environment["VAULT_PORT"] = $"{vaultPort}";
        info.Environment["SIM_PORT"] = $"{simPort}";
        info.Environment["VAULT_DATABASE"] = Path.Combine(directory, "demo.db");
        using var demo = Process.Start(info)!;
        var stderr = demo.StandardError.ReadToEndAsync();
        try
        {
            var printed = await ReadUntilAsync(demo.StandardOutput, "Press Ctrl-C", TimeSpan.FromMinutes(4));
            Assert.True(printed is not null, "the demo did not print its commands: " + await Task.WhenAny(stderr, Task.Delay(1000)));
            var commands = CommandPattern().Matches(printed).Select(m => m.Groups["command"].Value.Trim()).ToList();
            Assert.Equal(3, commands.Count);
            Assert.Matches("JWT=eyJ", printed);

            var authorizeUrl = (await BashAsync(commands[0])).Trim();
            Assert.StartsWith($"http://127.0.0.1:{vaultPort}/oauth/start?ticket=", authorizeUrl, StringComparison.Ordinal);
            await AllowInABrowserAsync(new Uri(authorizeUrl), vaultPort);

            var orders = JsonDocument.Parse(await BashAsync(commands[1])).RootElement;
            Assert.True(orders.GetProperty("payload").GetProperty("Orders").GetArrayLength() > 0);
            var profiles = JsonDocument.Parse(await BashAsync(commands[2])).RootElement;
            Assert.True(profiles.GetArrayLength() > 0);
        }
        finally
        {
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What the seller's browser does: follow the link, click Allow on Amazon's page, come back with the cookie.</summary>
    private static async Task AllowInABrowserAsync(Uri authorizeUrl, int vaultPort)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        using var start = await http.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var cookie = start.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var page = await http.GetStringAsync(start.Headers.Location);
        var form = AllowFormPattern().Match(page);
        Assert.True(form.Success, "no Allow form on the consent page");
        var fields = HiddenInputPattern().Matches(form.Groups["body"].Value)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)));
        using var content = new FormUrlEncodedContent(fields);
        using var consent = await http.PostAsync(new Uri(start.Headers.Location!, WebUtility.HtmlDecode(form.Groups["action"].Value)), content);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        using var callback = new HttpRequestMessage(HttpMethod.Get, consent.Headers.Location);
        callback.Headers.Add("Cookie", cookie);
        using var done = await http.SendAsync(callback);
        Assert.Equal($"http://127.0.0.1:{vaultPort}/healthz?status=connected&sellerId=demo-seller&api=sp-api", done.Headers.Location!.ToString());
    }

    private static async Task<string> BashAsync(string command)
    {
        var run = await ExternalProcess.RunAsync("bash", ["-c", command], timeout: TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, $"`{command[..Math.Min(60, command.Length)]}…` failed: {run.Stderr}");
        return run.Stdout;
    }

    private static async Task<string?> ReadUntilAsync(StreamReader reader, string marker, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var text = new System.Text.StringBuilder();
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                text.AppendLine(line);
                if (line.Contains(marker, StringComparison.Ordinal))
                    return text.ToString();
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    /// <summary>Found from this source file's path, so it works whatever folder the build output went to.</summary>
    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "demo.sh")) && File.Exists(Path.Combine(dir.FullName, "Vault.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (demo.sh) was not found above the test sources");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^\d\. .*\n\s+(?<command>curl .*)$", RegexOptions.Multiline)]
    private static partial Regex CommandPattern();

    [GeneratedRegex("""<form method="post" action="(?<action>[^"]*)">(?<body>(?:(?!</form>).)*id="allow"(?:(?!</form>).)*)</form>""", RegexOptions.Singleline)]
    private static partial Regex AllowFormPattern();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInputPattern();
}
