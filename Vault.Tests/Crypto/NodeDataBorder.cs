using System.Text.Json;
using Vault.Tests.Support;

namespace Vault.Tests.Crypto;

/// <summary>The Data Border reference functions run by Node (Crypto/databorder.js).</summary>
public static class NodeDataBorder
{
    public static Task<string> EncryptAsync(string data, string secret) => RunAsync("encrypt", new { data, secret });

    public static Task<string> DecryptAsync(string blob, string secret) => RunAsync("decrypt", new { blob, secret });

    private static async Task<string> RunAsync(string command, object input)
    {
        var result = await ExternalProcess.RunAsync("node", [ExternalProcess.TestFile("Crypto", "databorder.js"), command], JsonSerializer.Serialize(input));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"node {command} failed: {result.Stderr}");
        return result.Stdout;
    }
}
