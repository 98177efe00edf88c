using Vault.Crypto;
using Vault.Crypto.Formats;

namespace Vault.Tests.Crypto;

/// <summary>Byte compatibility with Data Border, with Node's crypto as the independent implementation.</summary>
[Trait("Category", "Slow")] // runs node
public class NodeCompatibilityTests
{
    [Theory]
    [InlineData("Atzr|node-made.refresh-token")]
    [InlineData("ünïcødé token ✓ with spaces and a long tail ................................................")]
    public async Task ABlobMadeByNodeOpensInDotNet(string token)
    {
        var secretText = SellerSecret.Generate();
        using var secret = SellerSecret.Parse(secretText);

        var blob = await NodeDataBorder.EncryptAsync(token, secretText);

        var opened = DataBorderEnvelope.OpenBase64(blob, secret);
        Assert.True(opened.Succeeded);
        Assert.Equal(token, opened.Token!.Value);
    }

    [Fact]
    public async Task ABlobMadeByDotNetOpensInNode()
    {
        var secretText = SellerSecret.Generate();
        using var secret = SellerSecret.Parse(secretText);
        const string token = "Atzr|dotnet-made.refresh-token ✓";

        var blob = DataBorderEnvelope.SealToBase64(token, secret);

        Assert.Equal(token, await NodeDataBorder.DecryptAsync(blob, secretText));
    }

    [Fact]
    public async Task ANodeBlobDoesNotOpenWithAnotherSecretInEitherImplementation()
    {
        var secretText = SellerSecret.Generate();
        var otherText = SellerSecret.Generate();
        using var other = SellerSecret.Parse(otherText);
        var blob = await NodeDataBorder.EncryptAsync("Atzr|x", secretText);

        Assert.Equal(OpenFailure.SecretMismatch, DataBorderEnvelope.OpenBase64(blob, other).Failure);
        await Assert.ThrowsAsync<InvalidOperationException>(() => NodeDataBorder.DecryptAsync(blob, otherText));
    }
}
