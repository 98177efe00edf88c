using System.Diagnostics;

namespace Vault.Tests.Deploy;

/// <summary>
/// moto_server (from the machine's Python) as a local S3 on a free loopback port, one per test; killed on dispose.
/// It accepts any credentials, so the tests give Litestream placeholder keys.
/// </summary>
public sealed class MotoS3 : IAsyncDisposable
{
    public const string Bucket = "vault-replica";

    private readonly Process _process;

    private MotoS3(Process process, Uri endpoint, ProcessOutput output)
    {
        _process = process;
        Endpoint = endpoint;
        Output = output;
    }

    public Uri Endpoint { get; }

    public ProcessOutput Output { get; }

    /// <summary>Starts moto and creates <see cref="Bucket"/> (Litestream writes into a bucket; it does not create one).</summary>
    public static async Task<MotoS3> StartAsync()
    {
        var port = DeployTools.FreePort();
        var process = Process.Start(DeployProcess.StartInfo("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("could not start python3 -m moto.server");
        var output = new ProcessOutput();
        output.Attach(process);
        var moto = new MotoS3(process, new Uri($"http://127.0.0.1:{port}"), output);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                Assert.False(process.HasExited, $"moto_server exited (is moto installed? test.sh installs it):\n{output.Tail()}");
                try
                {
                    using var created = await http.PutAsync(new Uri(moto.Endpoint, Bucket), null);
                    if (created.IsSuccessStatusCode)
                        return moto;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                    // still starting
                }
                Assert.True(DateTime.UtcNow < deadline, $"moto_server did not answer within 30 s:\n{output.Tail()}");
                await Task.Delay(200);
            }
        }
        catch
        {
            await moto.DisposeAsync();
            throw;
        }
    }

    /// <summary>The environment the deployment gives Litestream for this S3 (the names litestream.yml expands).</summary>
    public Dictionary<string, string> ReplicaEnvironment(string path = "vault") => new()
    {
        ["LITESTREAM_BUCKET"] = Bucket,
        ["LITESTREAM_PATH"] = path,
        ["LITESTREAM_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["LITESTREAM_REGION"] = "us-east-1",
        ["LITESTREAM_FORCE_PATH_STYLE"] = "true",
        ["LITESTREAM_ACCESS_KEY_ID"] = "test-access-key",
        ["LITESTREAM_SECRET_ACCESS_KEY"] = "test-secret-key",
    };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
