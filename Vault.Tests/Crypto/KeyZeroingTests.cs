using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;

namespace Vault.Tests.Crypto;

/// <summary>
/// Every derived key buffer is zero when sealing or opening returns, on success and on failure. The public methods
/// derive into a stack buffer no test can reach; they pass it to internal overloads, which a test calls with its own.
/// </summary>
public class KeyZeroingTests
{
    private static readonly TokenBinding Binding = new("t", "s", "sp-api");

    [Fact]
    public void EveryDerivedKeyBufferIsZeroWhenReleased()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        using var other = SellerSecret.Parse(SellerSecret.Generate());
        var keys = new List<byte[]>();
        byte[] Key()
        {
            var key = new byte[KdfParameters.KeyLength];
            key.AsSpan().Fill(0xA5); // a buffer left alone would not be zero either
            keys.Add(key);
            return key;
        }

        var v1 = V1Envelope.Seal("Atzr|zero", secret, Binding, new ScryptParameters(10, 8, 1), Key());
        var argon = V1Envelope.Seal("Atzr|zero", secret, Binding, new Argon2idParameters(8192, 1, 1), Key());
        var databorder = DataBorderEnvelope.Seal("Atzr|zero", secret, Key());
        Assert.True(V1Envelope.Open(v1, secret, Binding, Key()).Succeeded);
        Assert.True(V1Envelope.Open(argon, secret, Binding, Key()).Succeeded);
        Assert.False(V1Envelope.Open(v1, other, Binding, Key()).Succeeded); // the failure path releases its key too
        Assert.True(DataBorderEnvelope.Open(databorder, secret, Key()).Succeeded);
        Assert.False(DataBorderEnvelope.Open(databorder, other, Key()).Succeeded);

        Assert.Equal(8, keys.Count);
        Assert.All(keys, key => Assert.All(key, b => Assert.Equal(0, b)));
    }

    [Fact]
    public void ThePublicMethodsOpenWhatTheKeyBufferOverloadsSeal()
    {
        using var secret = SellerSecret.Parse(SellerSecret.Generate());

        var v1 = V1Envelope.Seal("Atzr|zero", secret, Binding, new ScryptParameters(10, 8, 1), new byte[KdfParameters.KeyLength]);
        var databorder = DataBorderEnvelope.Seal("Atzr|zero", secret, new byte[KdfParameters.KeyLength]);

        Assert.Equal("Atzr|zero", V1Envelope.Open(v1, secret, Binding).Token?.Value);
        Assert.Equal("Atzr|zero", DataBorderEnvelope.Open(databorder, secret).Token?.Value);
    }
}
