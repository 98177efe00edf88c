using System.Runtime.CompilerServices;
using System.Text.Json;
using Vault.Tests.Support;

namespace Vault.Tests.Deploy;

/// <summary>
/// The deployment files at the repository root, read as their consumers read them: fly.toml by a TOML 1.0
/// parser (Python's standard tomllib), litestream.yml by a YAML parser (PyYAML, which moto_server brings along),
/// both handed back as JSON. The Dockerfile has no parser here; <see cref="Dockerfile"/> reads its few forms.
/// </summary>
public static class DeployFiles
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string PathOf(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    public static Task<JsonElement> ReadFlyTomlAsync() => ReadTomlAsync(PathOf("fly.toml"));

    public static async Task<JsonElement> ReadTomlAsync(string path) =>
        await PythonToJsonAsync("import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))", path);

    public static async Task<JsonElement> ReadLitestreamYamlAsync() =>
        await PythonToJsonAsync("import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", PathOf("litestream.yml"));

    public static Dockerfile ReadDockerfile() => Dockerfile.Parse(File.ReadAllText(PathOf("Dockerfile")));

    /// <summary>The port of a URL such as http://0.0.0.0:8080 (ASPNETCORE_URLS holds one here).</summary>
    public static int PortOf(string url) => new Uri(url.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port;

    private static async Task<JsonElement> PythonToJsonAsync(string program, string file)
    {
        var result = await ExternalProcess.RunAsync("python3", ["-c", program, file], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"{Path.GetFileName(file)} does not parse: {result.Stderr}");
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The test assembly runs from an artifacts folder that may be anywhere (/tmp/art-…), so the root is found from
    /// this source file's compile-time path, then from the working directory upwards.
    /// </summary>
    private static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        var candidates = new[] { Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(sourceFile))), Environment.CurrentDirectory };
        foreach (var start in candidates)
        {
            for (var directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Vault.slnx")))
                    return directory.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (the folder with Vault.slnx)");
    }
}
