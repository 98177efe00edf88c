using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;

namespace Vault.Tests.Crypto;

public class EnvelopeTests
{
    private const string Token = "Atzr|envelope-test.refresh.token/with+chars=";
    private static readonly TokenBinding Binding = new("tenant-a", "seller-1", "sp-api");

    [Fact]
    public void V1RoundTripsWithScryptAndArgon2id()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        foreach (var parameters in new KdfParameters[] { ScryptParameters.Default, Argon2idParameters.Default })
        {
            var blob = V1Envelope.Seal(Token, secret, Binding, parameters);
            var opened = V1Envelope.Open(blob, secret, Binding);
            Assert.True(opened.Succeeded);
            Assert.Equal(Token, opened.Token!.Value);
            Assert.True(V1Envelope.TryReadParameters(blob, out var read, out _));
            Assert.Equal(parameters, read);
        }
    }

    [Fact]
    public void V1UsesAFreshSaltAndNonceOnEveryWrite()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var a = V1Envelope.Seal(Token, secret, Binding, ScryptParameters.Default);
        var b = V1Envelope.Seal(Token, secret, Binding, ScryptParameters.Default);
        Assert.NotEqual(a[5..49], b[5..49]);
    }

    [Fact]
    public void V1DoesNotOpenWithAnotherSecret()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        using var other = SellerSecret.Parse(SellerSecret.Generate());
        var blob = V1Envelope.Seal(Token, secret, Binding, ScryptParameters.Default);
        Assert.Equal(OpenResult.Mismatch, V1Envelope.Open(blob, other, Binding));
    }

    [Theory]
    [InlineData("tenant-b", "seller-1", "sp-api")]
    [InlineData("tenant-a", "seller-2", "sp-api")]
    [InlineData("tenant-a", "seller-1", "ads")]
    [InlineData("tenant-a/seller-1", "", "sp-api")]
    public void V1DoesNotOpenUnderAnotherRowsBinding(string tenant, string seller, string api)
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var blob = V1Envelope.Seal(Token, secret, Binding, ScryptParameters.Default);
        Assert.Equal(OpenFailure.SecretMismatch, V1Envelope.Open(blob, secret, new TokenBinding(tenant, seller, api)).Failure);
    }

    [Fact]
    public void EverySingleByteFlipOfAV1BlobFailsToOpen()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        // Cheapest record-legal scrypt keeps ~100 derivations fast; the format code path is the same.
        var blob = V1Envelope.Seal("Atzr|flip", secret, Binding, new ScryptParameters(10, 8, 1));
        for (var i = 0; i < blob.Length; i++)
        {
            var tampered = (byte[])blob.Clone();
            tampered[i] ^= 0x01;
            var result = V1Envelope.Open(tampered, secret, Binding);
            Assert.False(result.Succeeded, $"byte {i} flipped still opened");
            // Header bytes either stop parsing or change the AAD; body bytes break the tag.
            Assert.Contains(result.Failure, new[] { OpenFailure.Corrupt, OpenFailure.SecretMismatch });
        }
    }

    [Trait("Category", "Slow")] // a key derivation per flipped byte
    [Fact]
    public void EverySingleByteFlipOfADataBorderBlobFailsToOpen()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var blob = DataBorderEnvelope.Seal("Atzr|flip", secret);
        for (var i = 0; i < blob.Length; i++)
        {
            var tampered = (byte[])blob.Clone();
            tampered[i] ^= 0x80;
            Assert.Equal(OpenFailure.SecretMismatch, DataBorderEnvelope.Open(tampered, secret).Failure);
        }
    }

    [Fact]
    public void TruncatedBlobsAreCorruptAtEveryLength()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var v1 = V1Envelope.Seal("Atzr|t", secret, Binding, ScryptParameters.Default);
        var databorder = DataBorderEnvelope.Seal("Atzr|t", secret);
        // A blob cut just short of its ciphertext has no token left: reported corrupt without spending the KDF.
        for (var length = 0; length < v1.Length - "Atzr|t".Length + 1; length++)
            Assert.Equal(OpenFailure.Corrupt, V1Envelope.Open(v1.AsSpan(0, length), secret, Binding).Failure);
        for (var length = 0; length <= 64; length++)
            Assert.Equal(OpenFailure.Corrupt, DataBorderEnvelope.Open(databorder.AsSpan(0, length), secret).Failure);
    }

    [Fact]
    public void RandomBytesAreReportedAsCorrupt()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 1 && garbage[0] == 0x01) // keep it from being a well-formed header
                garbage[0] = (byte)random.Next(2, 256);
            Assert.Equal(OpenFailure.Corrupt, TokenEnvelope.Open(TokenFormats.V1, garbage, secret, Binding).Failure);
        }
        Assert.Equal(OpenFailure.Corrupt, TokenEnvelope.Open("v2", [1, 2, 3], secret, Binding).Failure);
        Assert.Equal(OpenFailure.Corrupt, DataBorderEnvelope.OpenBase64("not base64 at all!", secret).Failure);
    }

    [Theory]
    [InlineData("0101")] // scrypt without parameters
    [InlineData("01020000")] // Argon2id parameters cut short
    [InlineData("0103000000")] // unknown KDF
    [InlineData("020e0801")] // unknown version
    [InlineData("0101090801")] // log2 N below 10
    [InlineData("0101150801")] // log2 N above 20
    [InlineData("01010e0001")] // r = 0
    [InlineData("01010e0800")] // p = 0
    [InlineData("01010e2101")] // r = 33
    [InlineData("0101142001")] // log2 N 20 with r = 32: 4 GiB of scrypt memory
    [InlineData("0102001000010201")] // Argon2id asks for 1 GiB + 1 KiB
    [InlineData("0102000000040201")] // Argon2id 4 KiB for one lane (needs 8)
    [InlineData("010200004c000001")] // Argon2id t = 0
    [InlineData("010200004c000200")] // Argon2id p = 0
    [InlineData("010200004c000211")] // Argon2id p = 17
    public void HeadersOutsideTheBoundsAreCorruptWithoutDerivingAKey(string headerHex)
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var blob = Convert.FromHexString(headerHex).Concat(new byte[32 + 12 + 16 + 8]).ToArray();
        Assert.False(V1Envelope.TryReadParameters(blob, out _, out _));
        Assert.Equal(OpenFailure.Corrupt, V1Envelope.Open(blob, secret, Binding).Failure);
    }

    [Theory]
    [InlineData("0101140801")] // log2 N 20, r = 8: exactly 1 GiB
    [InlineData("0101131001")] // log2 N 19, r = 16: exactly 1 GiB
    public void HeadersAtTheMemoryCeilingAreStillReadable(string headerHex)
    {
        var blob = Convert.FromHexString(headerHex).Concat(new byte[32 + 12 + 16 + 8]).ToArray();
        Assert.True(V1Envelope.TryReadParameters(blob, out var parameters, out _));
        Assert.Equal(ScryptParameters.MaxRecordMemoryBytes, 128UL * (ulong)((ScryptParameters)parameters!).R * ((ScryptParameters)parameters).N);
    }

    [Fact]
    public void NeedsUpgradeWhenParametersAreWeakerOrTheRecordIsDataBorder()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var weak = V1Envelope.Seal(Token, secret, Binding, new ScryptParameters(12, 8, 1));
        var current = V1Envelope.Seal(Token, secret, Binding, ScryptParameters.Default);
        Assert.True(TokenEnvelope.NeedsUpgrade(TokenFormats.V1, weak, ScryptParameters.Default));
        Assert.False(TokenEnvelope.NeedsUpgrade(TokenFormats.V1, current, ScryptParameters.Default));
        Assert.True(TokenEnvelope.NeedsUpgrade(TokenFormats.V1, current, Argon2idParameters.Default));
        Assert.True(TokenEnvelope.NeedsUpgrade(TokenFormats.DataBorder, DataBorderEnvelope.Seal(Token, secret), ScryptParameters.Default));
    }
}
