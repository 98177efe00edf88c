using System.Buffers.Binary;
using Vault.Crypto.Kdf;

namespace Vault.Crypto.Formats;

/// <summary>The authenticated header of a v1 blob: version, KDF id and parameters (docs/FORMAT.md "Format v1").</summary>
internal static class V1Header
{
    public const byte Version = 0x01;

    public static byte[] Encode(KdfParameters parameters)
    {
        var kdf = parameters.Encode();
        var header = new byte[1 + kdf.Length];
        header[0] = Version;
        kdf.CopyTo(header, 1);
        return header;
    }

    /// <summary>Reads and bounds-checks the header; false for anything unknown or out of bounds. Never derives a key.</summary>
    public static bool TryParse(ReadOnlySpan<byte> blob, out KdfParameters? parameters, out int headerLength)
    {
        parameters = null;
        headerLength = 0;
        if (blob.Length < 2 || blob[0] != Version)
            return false;
        switch (blob[1])
        {
            case ScryptParameters.KdfId when blob.Length >= 5:
                var scrypt = new ScryptParameters(blob[2], blob[3], blob[4]);
                if (!scrypt.IsWithinRecordBounds)
                    return false;
                parameters = scrypt;
                headerLength = 5;
                return true;
            case Argon2idParameters.KdfId when blob.Length >= 8:
                var memory = BinaryPrimitives.ReadUInt32BigEndian(blob[2..6]);
                if (memory > Argon2idParameters.MaxMemoryKiB)
                    return false;
                var argon = new Argon2idParameters((int)memory, blob[6], blob[7]);
                if (!argon.IsValid)
                    return false;
                parameters = argon;
                headerLength = 8;
                return true;
            default:
                return false;
        }
    }
}
