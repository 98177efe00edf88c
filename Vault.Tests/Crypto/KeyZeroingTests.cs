using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;

namespace Vault.Tests.Crypto;

public class KeyZeroingTests
{
    [Fact]
    public void EveryDerivedKeyBufferIsZeroWhenReleased()
    {
        var released = new List<byte[]>();
        void Observe(ReadOnlySpan<byte> key)
        {
            lock (released)
                released.Add(key.ToArray());
        }
        KeyBuffers.Released += Observe;
        try
        {
            using var secret = SellerSecret.Parse(SellerSecret.Generate());
            using var other = SellerSecret.Parse(SellerSecret.Generate());
            var binding = new TokenBinding("t", "s", "sp-api");
            var v1 = V1Envelope.Seal("Atzr|zero", secret, binding, new ScryptParameters(10, 8, 1));
            var argon = V1Envelope.Seal("Atzr|zero", secret, binding, new Argon2idParameters(8192, 1, 1));
            var databorder = DataBorderEnvelope.Seal("Atzr|zero", secret);
            Assert.True(V1Envelope.Open(v1, secret, binding).Succeeded);
            Assert.True(V1Envelope.Open(argon, secret, binding).Succeeded);
            Assert.False(V1Envelope.Open(v1, other, binding).Succeeded); // the failure path releases its key too
            Assert.True(DataBorderEnvelope.Open(databorder, secret).Succeeded);
            Assert.False(DataBorderEnvelope.Open(databorder, other).Succeeded);
        }
        finally
        {
            KeyBuffers.Released -= Observe;
        }

        // Other tests may derive keys at the same time; every buffer released, ours or theirs, must be zero.
        lock (released)
        {
            Assert.True(released.Count >= 8, $"only {released.Count} keys were released");
            Assert.All(released, key =>
            {
                Assert.Equal(KdfParameters.KeyLength, key.Length);
                Assert.All(key, b => Assert.Equal(0, b));
            });
        }
    }
}
