using System.Text;
using System.Text.Json;
using Vault.Crypto.Kdf;
using Vault.Tests.Support;

namespace Vault.Tests.Crypto;

public class KdfVectorTests
{
    public sealed record ScryptVector(string Source, string Password, string Salt, int Log2N, int R, int P, string Hex);

    public sealed record Argon2Vector(string Source, string Password, string Salt, int MemoryKiB, int Iterations, int Parallelism, string Hex);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string, int> ScryptCases()
    {
        var data = new TheoryData<string, int>();
        // libsodium (through NSec) takes only the vault's 32-byte salts: it runs the salt32 vectors below instead.
        foreach (var engine in new[] { "openssl", "bouncycastle" })
        {
            for (var i = 0; i < Load<ScryptVector>("scrypt-rfc7914.json").Count; i++)
                data.Add(engine, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ScryptCases))]
    public void ScryptReproducesRfc7914Vectors(string engineName, int index)
    {
        var vector = Load<ScryptVector>("scrypt-rfc7914.json")[index];
        IScryptEngine? engine = engineName switch
        {
            "libsodium" => SodiumScrypt.TryLoad(),
            "openssl" => OpenSslScrypt.TryLoad(),
            _ => new BouncyCastleScrypt(),
        };
        Assert.NotNull(engine);
        var output = new byte[vector.Hex.Length / 2];

        engine.Derive(Encoding.UTF8.GetBytes(vector.Password), Encoding.UTF8.GetBytes(vector.Salt), new ScryptParameters(vector.Log2N, vector.R, vector.P), output);

        Assert.Equal(vector.Hex, Convert.ToHexStringLower(output));
    }

    public sealed record Salt32Vector(string Source, string Password, string SaltHex, int Log2N, int R, int P, string Hex);

    public static TheoryData<string, int> Salt32Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var engine in new[] { "libsodium", "openssl", "bouncycastle" })
        {
            for (var i = 0; i < Load<Salt32Vector>("scrypt-salt32.json").Count; i++)
                data.Add(engine, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Salt32Cases))]
    public void EveryScryptEngineMatchesNodeWithTheVaultsSaltLength(string engineName, int index)
    {
        var vector = Load<Salt32Vector>("scrypt-salt32.json")[index];
        IScryptEngine? engine = engineName switch
        {
            "libsodium" => SodiumScrypt.TryLoad(),
            "openssl" => OpenSslScrypt.TryLoad(),
            _ => new BouncyCastleScrypt(),
        };
        Assert.NotNull(engine);
        var output = new byte[32];

        engine.Derive(Encoding.UTF8.GetBytes(vector.Password), Convert.FromHexString(vector.SaltHex), new ScryptParameters(vector.Log2N, vector.R, vector.P), output);

        Assert.Equal(vector.Hex, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void LibsodiumRefusesSaltsOfAnotherLengthRatherThanGuessing()
    {
        var output = new byte[32];
        Assert.Throws<ArgumentException>(() => SodiumScrypt.TryLoad()!.Derive("p"u8, "NaCl"u8, new ScryptParameters(10, 8, 1), output));
    }

    [Fact]
    public void LibsodiumIsTheSelectedScryptOnThisPlatform()
    {
        Assert.Equal("libsodium", Scrypt.Default.Name);
    }

    [Fact]
    public void ScryptRefusesParametersOutsideItsBounds()
    {
        var output = new byte[32];
        var salt = new byte[32];
        Assert.Throws<ArgumentOutOfRangeException>(() => Scrypt.Default.Derive("p"u8, salt, new ScryptParameters(21, 8, 1), output));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BouncyCastleScrypt().Derive("p"u8, "s"u8, new ScryptParameters(14, 0, 1), output));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Argon2idMatchesTheReferenceArgon2Command(int index)
    {
        var vector = Load<Argon2Vector>("argon2id.json")[index];
        var output = new byte[32];

        Argon2id.Derive(Encoding.UTF8.GetBytes(vector.Password), Encoding.UTF8.GetBytes(vector.Salt),
            new Argon2idParameters(vector.MemoryKiB, vector.Iterations, vector.Parallelism), output);

        Assert.Equal(vector.Hex, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Argon2idMatchesRfc9106Section5_3()
    {
        var output = new byte[32];

        Argon2id.Derive(Fill(32, 0x01), Fill(16, 0x02), new Argon2idParameters(32, 3, 4), output, secret: Fill(8, 0x03), associatedData: Fill(12, 0x04));

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(output));
    }

    [Trait("Category", "Slow")] // runs argon2
    [Fact]
    public async Task Argon2idMatchesTheArgon2CommandForFreshRandomSalts()
    {
        // The committed vectors could have been copied from this code; a live run of the reference tool cannot.
        var random = new Random(7914);
        for (var i = 0; i < 3; i++)
        {
            var salt = new string(Enumerable.Range(0, 16 + i * 8).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
            var password = $"pw-{random.Next()}";
            var parameters = new Argon2idParameters(8192 * (i + 1), i + 1, i + 1);
            var run = await ExternalProcess.RunAsync("argon2",
                [salt, "-id", "-t", $"{parameters.Iterations}", "-k", $"{parameters.MemoryKiB}", "-p", $"{parameters.Parallelism}", "-l", "32", "-r"],
                stdin: password);
            Assert.Equal(0, run.ExitCode);
            var output = new byte[32];

            Argon2id.Derive(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), parameters, output);

            Assert.Equal(run.Stdout.Trim(), Convert.ToHexStringLower(output));
        }
    }

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    internal static List<T> Load<T>(string file) =>
        JsonSerializer.Deserialize<List<T>>(File.ReadAllText(ExternalProcess.TestFile("Crypto", "Vectors", file)), Json)!;
}
