namespace Vault.Crypto.Kdf;

/// <summary>How a record's key was derived; serialised in the v1 header (docs/FORMAT.md).</summary>
public abstract record KdfParameters
{
    public const int KeyLength = 32;

    public abstract byte Id { get; }

    /// <summary>True when this costs less than <paramref name="configured"/> in any dimension, so the record should be re-encrypted.</summary>
    public abstract bool IsWeakerThan(KdfParameters configured);

    /// <summary>The v1 header bytes after the version byte: kdf id, then the big-endian parameters.</summary>
    public abstract byte[] Encode();
}

/// <summary>scrypt with N = 2^Log2N. Bounds keep a hostile header from asking for gigabytes.</summary>
public sealed record ScryptParameters(int Log2N, int R, int P) : KdfParameters
{
    public const byte KdfId = 0x01;
    public const int MinRecordLog2N = 10, MaxLog2N = 20, MaxR = 32, MaxP = 16;

    /// <summary>Node's crypto.scrypt defaults, which Data Border relies on.</summary>
    public static ScryptParameters Default { get; } = new(14, 8, 1);

    public override byte Id => KdfId;
    public ulong N => 1UL << Log2N;

    /// <summary>Bytes the derivation needs (128·N·r for V plus 128·r·p for B), for OpenSSL's maxmem.</summary>
    public ulong MemoryBytes => (128UL * (ulong)R * N) + (128UL * (ulong)R * (ulong)P) + (1UL << 20);

    /// <summary>Computable within the vault's memory bounds (the RFC 7914 vectors go as low as N = 16).</summary>
    public bool IsValid => Log2N is >= 1 and <= MaxLog2N && R is >= 1 and <= MaxR && P is >= 1 and <= MaxP;

    /// <summary>
    /// Acceptable in a stored record or the configuration (docs/FORMAT.md: log2 N within 10..20), and at most 1 GiB of
    /// working memory (128·r·N), the same ceiling as Argon2id: r = 32 at N = 2^20 would ask for 4 GiB.
    /// </summary>
    public bool IsWithinRecordBounds => IsValid && Log2N >= MinRecordLog2N && 128UL * (ulong)R * N <= MaxRecordMemoryBytes;

    public const ulong MaxRecordMemoryBytes = 1UL << 30;

    public override bool IsWeakerThan(KdfParameters configured) => configured switch
    {
        ScryptParameters c => Log2N < c.Log2N || R < c.R || P < c.P,
        _ => true, // a different algorithm was configured: move the record to it
    };

    public override byte[] Encode() => [KdfId, (byte)Log2N, (byte)R, (byte)P];
}

/// <summary>Argon2id v1.3 (RFC 9106).</summary>
public sealed record Argon2idParameters(int MemoryKiB, int Iterations, int Parallelism) : KdfParameters
{
    public const byte KdfId = 0x02;
    // Argon2 itself needs 8 KiB per lane; the upper bounds keep a hostile header from asking for more than 1 GiB.
    public const int MaxMemoryKiB = 1024 * 1024, MaxIterations = 16, MaxParallelism = 16;

    /// <summary>OWASP's first recommended Argon2id setting.</summary>
    public static Argon2idParameters Default { get; } = new(19 * 1024, 2, 1);

    public override byte Id => KdfId;

    public bool IsValid =>
        MemoryKiB <= MaxMemoryKiB
        && Iterations is >= 1 and <= MaxIterations
        && Parallelism is >= 1 and <= MaxParallelism
        && MemoryKiB >= 8 * Parallelism;

    public override bool IsWeakerThan(KdfParameters configured) => configured switch
    {
        Argon2idParameters c => MemoryKiB < c.MemoryKiB || Iterations < c.Iterations || Parallelism < c.Parallelism,
        _ => true,
    };

    public override byte[] Encode()
    {
        var bytes = new byte[7];
        bytes[0] = KdfId;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), MemoryKiB);
        bytes[5] = (byte)Iterations;
        bytes[6] = (byte)Parallelism;
        return bytes;
    }
}
