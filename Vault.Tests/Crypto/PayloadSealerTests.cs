using System.Buffers.Text;
using System.Text;
using Vault.Crypto;

namespace Vault.Tests.Crypto;

public class PayloadSealerTests
{
    private static readonly string Key = new string('k', 32) + new string('K', 32);

    [Fact]
    public void SealedPayloadsRoundTrip()
    {
        using var sealer = new PayloadSealer(Key, "ticket");
        var sealedText = sealer.Seal("hello"u8);
        Assert.Equal("hello", Encoding.UTF8.GetString(sealer.Unseal(sealedText)!));
        Assert.DoesNotContain("hello", sealedText, StringComparison.Ordinal);
    }

    [Fact]
    public void APayloadSealedForOnePurposeDoesNotOpenForAnother()
    {
        using var ticket = new PayloadSealer(Key, "ticket");
        using var cookie = new PayloadSealer(Key, "cookie");
        Assert.Null(cookie.Unseal(ticket.Seal("x"u8)));
    }

    [Fact]
    public void APayloadSealedUnderAnotherKeyDoesNotOpen()
    {
        using var a = new PayloadSealer(Key, "ticket");
        using var b = new PayloadSealer(new string('z', 64), "ticket");
        Assert.Null(b.Unseal(a.Seal("x"u8)));
    }

    [Fact]
    public void EveryTamperedByteIsRefused()
    {
        using var sealer = new PayloadSealer(Key, "cookie");
        var bytes = Base64Url.DecodeFromChars(sealer.Seal("state=abc"u8));
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x04;
            Assert.Null(sealer.Unseal(Base64Url.EncodeToString(tampered)));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AQ")]
    [InlineData("not base64url!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void GarbageIsRefused(string? text)
    {
        using var sealer = new PayloadSealer(Key, "cookie");
        Assert.Null(sealer.Unseal(text));
    }

    [Fact]
    public void OversizedInputIsRefusedUnopened()
    {
        using var sealer = new PayloadSealer(Key, "cookie");
        Assert.Null(sealer.Unseal(new string('A', PayloadSealer.MaxSealedLength + 1)));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(0)]
    public void TheCookieKeyMustBeExactly64Characters(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new PayloadSealer(new string('k', length), "cookie"));
        Assert.Contains("exactly 64", error.Message, StringComparison.Ordinal);
    }
}
