using System.Diagnostics;
using System.Text;
using NSec.Cryptography;
using Vault.Crypto.Kdf;
using VaultArgon2id = Vault.Crypto.Kdf.Argon2id;
using VaultScrypt = Vault.Crypto.Kdf.Scrypt;

namespace Vault.Bench;

/// <summary>
/// scrypt N=2^14 r=8 p=1 in the vault against Node's crypto.scrypt on the same inputs, interleaved in
/// rounds so both see the same machine state; then Argon2id candidates at m=19 MiB, t=2, p=1.
/// </summary>
internal static class KdfBenchmark
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes("qLbCz5mJ1c1RqtJ0a1NxvWk4mJ6F3lq0m0rW1m6Jxkc=");
    private static readonly byte[] Salt32 = Enumerable.Repeat((byte)7, 32).ToArray();

    public static async Task<int> RunAsync(string nodeScript, int rounds, int iterations)
    {
        var vault = VaultScrypt.Default;
        var managed = new BouncyCastleScrypt();
        var openSsl = OpenSslScrypt.TryLoad() ?? throw new InvalidOperationException("libcrypto is not loadable here");
        var vaultMs = new List<double>();
        var nodeMs = new List<double>();
        var managedMs = new List<double>();
        var openSslMs = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            vaultMs.Add(Time(iterations, key => vault.Derive(Password, Salt32, Vault.Crypto.Kdf.ScryptParameters.Default, key)));
            nodeMs.Add(await NodeAsync(nodeScript, iterations));
            managedMs.Add(Time(Math.Max(1, iterations / 4), key => managed.Derive(Password, Salt32, Vault.Crypto.Kdf.ScryptParameters.Default, key)));
            openSslMs.Add(Time(Math.Max(1, iterations / 4), key => openSsl.Derive(Password, Salt32, Vault.Crypto.Kdf.ScryptParameters.Default, key)));
        }

        var ratio = Median(vaultMs) / Median(nodeMs);
        Console.WriteLine($"scrypt N=2^14 r=8 p=1 ({rounds} rounds x {iterations}, medians)");
        Console.WriteLine($"  vault ({vault.Name,-12})  {Median(vaultMs),8:F2} ms");
        Console.WriteLine($"  node crypto.scrypt     {Median(nodeMs),8:F2} ms");
        Console.WriteLine($"  openssl (libcrypto)    {Median(openSslMs),8:F2} ms");
        Console.WriteLine($"  bouncycastle (managed) {Median(managedMs),8:F2} ms");
        Program.Figure("scrypt N=2^14 r=8 p=1, vault / node crypto.scrypt", $"{ratio:F3}", "<= 1.0", ratio <= 1.0);

        ArgonCandidates(rounds);
        return ratio <= 1.0 ? 0 : 1;
    }

    /// <summary>The vault's scrypt (N=2^14 r=8 p=1) on one thread: median over rounds of the mean ms per derivation.</summary>
    public static double VaultScryptMs(int rounds, int iterations)
    {
        var vault = VaultScrypt.Default;
        var ms = new List<double>();
        for (var round = 0; round < rounds; round++)
            ms.Add(Time(iterations, key => vault.Derive(Password, Salt32, Vault.Crypto.Kdf.ScryptParameters.Default, key)));
        return Median(ms);
    }

    /// <summary>Derivations per second with one thread per core, all running at once (shows what memory bandwidth allows).</summary>
    public static double VaultScryptParallelPerSecond(int iterationsPerThread)
    {
        var vault = VaultScrypt.Default;
        var threads = Environment.ProcessorCount;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            Span<byte> key = stackalloc byte[32];
            for (var i = 0; i < iterationsPerThread; i++)
                vault.Derive(Password, Salt32, Vault.Crypto.Kdf.ScryptParameters.Default, key);
        });
        return threads * iterationsPerThread / watch.Elapsed.TotalSeconds;
    }

    private static void ArgonCandidates(int rounds)
    {
        var parameters = Argon2idParameters.Default;
        var sodium = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = parameters.MemoryKiB, NumberOfPasses = parameters.Iterations });
        var salt16 = Salt32[..16];
        var vault = new List<double>();
        var libsodium = new List<double>();
        var bouncy = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            vault.Add(Time(5, key => VaultArgon2id.Derive(Password, Salt32, parameters, key)));
            libsodium.Add(Time(5, key => sodium.DeriveBytes(Password, salt16, key)));
            bouncy.Add(Time(5, key =>
            {
                var generator = new Org.BouncyCastle.Crypto.Generators.Argon2BytesGenerator();
                generator.Init(new Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Builder(Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Argon2id)
                    .WithVersion(Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Version13).WithSalt(Salt32)
                    .WithMemoryAsKB(parameters.MemoryKiB).WithIterations(parameters.Iterations).WithParallelism(1).Build());
                var output = new byte[key.Length];
                generator.GenerateBytes(Password, output);
                output.CopyTo(key);
            }));
        }
        Console.WriteLine($"Argon2id m=19 MiB t=2 p=1 ({rounds} rounds x 5, medians)");
        Console.WriteLine($"  vault (Konscious, 32-byte salt)      {Median(vault),8:F2} ms");
        Console.WriteLine($"  libsodium (NSec, 16-byte salt only)  {Median(libsodium),8:F2} ms");
        Console.WriteLine($"  BouncyCastle (32-byte salt)          {Median(bouncy),8:F2} ms");
    }

    private delegate void Derivation(Span<byte> key);

    private static double Time(int iterations, Derivation derive)
    {
        Span<byte> key = stackalloc byte[32];
        derive(key); // warm-up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
            derive(key);
        return watch.Elapsed.TotalMilliseconds / iterations;
    }

    private static async Task<double> NodeAsync(string script, int iterations)
    {
        var info = new ProcessStartInfo("node", [script, iterations.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        using var node = Process.Start(info)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        return double.Parse(output, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
