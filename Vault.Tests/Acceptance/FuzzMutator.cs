using System.Text;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Deterministic mutations for the format fuzzer (one seeded <see cref="Random"/>, so a failing input can be
/// reproduced from the seed and its index): bit flips, boundary bytes in the header, insertions, deletions,
/// truncations, duplications, splices and pure noise, stacked one to four at a time.
/// </summary>
public sealed class FuzzMutator(int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0x09, 0x0A, 0x0F, 0x10, 0x14, 0x15, 0x1F, 0x20, 0x21, 0x40, 0x7F, 0x80, 0xFE, 0xFF];

    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>What a text mutation may write: both base64 alphabets, padding, whitespace, controls, escapes, non-ASCII, lone surrogates.</summary>
    private static readonly string TextPool = Base64Alphabet + "-_=  \t\r\n\0%!.~\"\\\u00e9\u00a0\u2028\ufeff\ufffd\ud800\udfff";

    public Random Random { get; } = new(seed);

    /// <summary>A mutant of <paramref name="seedBytes"/>; <paramref name="headerLength"/> bytes at the front get extra attention.</summary>
    public byte[] Mutate(byte[] seedBytes, int headerLength)
    {
        var data = seedBytes.ToList();
        var rounds = 1 + Random.Next(4);
        for (var i = 0; i < rounds; i++)
            MutateOnce(data, headerLength);
        return [.. data];
    }

    /// <summary>A mutant that keeps the header as it is and changes only what follows (salt, nonce, tag, ciphertext, length).</summary>
    public byte[] MutateBody(byte[] seedBytes, int headerLength)
    {
        var data = seedBytes.ToArray();
        switch (Random.Next(4))
        {
            case 0:
                var at = headerLength + Random.Next(data.Length - headerLength);
                data[at] ^= (byte)(1 << Random.Next(8));
                return data;
            case 1:
                return [.. data, .. Bytes(1 + Random.Next(16))];
            case 2:
                var cut = Math.Max(1, Random.Next(data.Length - headerLength) / 4);
                return data[..^cut];
            default:
                var from = headerLength + Random.Next(data.Length - headerLength);
                var length = Math.Min(data.Length - from, 1 + Random.Next(16));
                Random.NextBytes(data.AsSpan(from, length));
                return data;
        }
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.NextBytes(bytes);
        return bytes;
    }

    private void MutateOnce(List<byte> data, int headerLength)
    {
        var header = Math.Max(1, Math.Min(headerLength, data.Count));
        switch (Random.Next(12))
        {
            case 0 when data.Count > 0:
                data[Random.Next(data.Count)] ^= (byte)(1 << Random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[Random.Next(data.Count)] = (byte)Random.Next(256);
                break;
            case 2 or 3 when data.Count > 0:
                data[Random.Next(Math.Min(header, data.Count))] = Interesting[Random.Next(Interesting.Length)];
                break;
            case 4:
                data.InsertRange(Random.Next(data.Count + 1), Bytes(1 + Random.Next(8)));
                break;
            case 5 when data.Count > 0:
                var start = Random.Next(data.Count);
                data.RemoveRange(start, Math.Min(data.Count - start, 1 + Random.Next(16)));
                break;
            case 6 or 7:
                // Truncation, biased short: the header and the fixed-length prefix are where a parser can go wrong.
                var keep = Random.Next(2) == 0 ? Random.Next(Math.Min(data.Count + 1, 120)) : Random.Next(data.Count + 1);
                data.RemoveRange(keep, data.Count - keep);
                break;
            case 8:
                data.AddRange(Bytes(1 + Random.Next(64)));
                break;
            case 9 when data.Count > 1:
                var from = Random.Next(data.Count);
                var chunk = data.GetRange(from, Math.Min(data.Count - from, 1 + Random.Next(32)));
                data.InsertRange(Random.Next(data.Count + 1), chunk);
                break;
            case 10:
                for (var i = 0; i < header && i < data.Count; i++)
                    data[i] = (byte)Random.Next(256);
                break;
            default:
                var noise = Bytes(Random.Next(2 * Math.Max(data.Count, 8)));
                data.Clear();
                data.AddRange(noise);
                break;
        }
    }

    /// <summary>A mutant of a base64 or base64url text.</summary>
    public string MutateText(string seedText)
    {
        var text = new StringBuilder(seedText);
        var rounds = 1 + Random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            switch (Random.Next(11))
            {
                case 0 or 1 when text.Length > 0:
                    text[Random.Next(text.Length)] = TextPool[Random.Next(TextPool.Length)];
                    break;
                case 2 when text.Length > 0:
                    text[Random.Next(text.Length)] = Base64Alphabet[Random.Next(Base64Alphabet.Length)];
                    break;
                case 3:
                    text.Insert(Random.Next(text.Length + 1), TextPool[Random.Next(TextPool.Length)]);
                    break;
                case 4 when text.Length > 0:
                    var start = Random.Next(text.Length);
                    text.Remove(start, Math.Min(text.Length - start, 1 + Random.Next(8)));
                    break;
                case 5:
                    text.Length = Random.Next(text.Length + 1);
                    break;
                case 6:
                    text.Append(Random.Next(3) switch { 0 => "=", 1 => "==", _ => RandomText(1 + Random.Next(8), Base64Alphabet) });
                    break;
                case 7 when text.Length > 1:
                    var a = Random.Next(text.Length);
                    var b = Random.Next(text.Length);
                    (text[a], text[b]) = (text[b], text[a]);
                    break;
                case 8 when text.Length > 0:
                    var at = Random.Next(text.Length);
                    text[at] = char.IsUpper(text[at]) ? char.ToLowerInvariant(text[at]) : char.ToUpperInvariant(text[at]);
                    break;
                case 9 when text.Length > 1:
                    var from = Random.Next(text.Length);
                    text.Insert(Random.Next(text.Length + 1), text.ToString(from, Math.Min(text.Length - from, 1 + Random.Next(24))));
                    break;
                default:
                    text.Clear().Append(RandomText(Random.Next(2 * Math.Max(seedText.Length, 8)), Random.Next(2) == 0 ? Base64Alphabet : TextPool));
                    break;
            }
        }
        return text.ToString();
    }

    public string RandomText(int length, string alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = alphabet[Random.Next(alphabet.Length)];
        return new string(chars);
    }
}
