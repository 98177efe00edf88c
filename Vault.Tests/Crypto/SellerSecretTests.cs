using System.Runtime.InteropServices;
using Vault.Crypto;

namespace Vault.Tests.Crypto;

public class SellerSecretTests
{
    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("c2hvcnQ=", "fewer than 32 bytes")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "fewer than 32 bytes")] // 31 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "longer than 64")] // 65 chars
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_", "not standard base64")] // base64url alphabet
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAA=", "not standard base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not standard base64")] // bad length
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAÄ", "not standard base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=AAAA", "not standard base64")] // padding inside
    public void MalformedSecretsAreRejectedWithTheRuleTheyBreak(string? header, string expected)
    {
        Assert.False(SellerSecret.TryParse(header, out var secret, out var error));
        Assert.Null(secret);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        if (header is { Length: > 0 })
            Assert.DoesNotContain(header, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // exactly 32 bytes, padded
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 64 chars = 48 bytes
    public void SecretsAtTheLimitsAreAccepted(string header)
    {
        Assert.True(SellerSecret.TryParse(header, out var secret, out _));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(header), secret!.Utf8.ToArray());
    }

    [Fact]
    public void GeneratedSecretsAreValidAndDistinct()
    {
        var a = SellerSecret.Generate();
        var b = SellerSecret.Generate();
        Assert.NotEqual(a, b);
        Assert.True(SellerSecret.TryParse(a, out _, out _));
    }

    [Fact]
    public void ASecretNeverPrintsItself()
    {
        var text = SellerSecret.Generate();
        using var secret = SellerSecret.Parse(text);
        Assert.Equal("[redacted]", secret.ToString());
        Assert.DoesNotContain(text, $"{secret}", StringComparison.Ordinal);
    }

    [Fact]
    public void DisposingASecretZeroesItsBytes()
    {
        var secret = SellerSecret.Parse(SellerSecret.Generate());
        ref var first = ref MemoryMarshal.GetReference(secret.Utf8);
        var view = MemoryMarshal.CreateReadOnlySpan(ref first, secret.Utf8.Length);
        Assert.Contains(view.ToArray(), b => b != 0);

        secret.Dispose();

        Assert.All(view.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => secret.Utf8.Length);
    }
}
