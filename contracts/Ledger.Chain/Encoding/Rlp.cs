using System.Numerics;

namespace Ledger.Chain.Encoding;

/// <summary>Recursive Length Prefix encoding (Ethereum yellow paper, appendix B).</summary>
public static class Rlp
{
    private const byte StringOffset = 0x80;
    private const byte ListOffset = 0xc0;

    /// <summary>The empty byte string, which is also how the integer zero is written.</summary>
    public static byte[] EmptyString => [StringOffset];

    public static byte[] EmptyList => [ListOffset];

    public static byte[] EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < StringOffset)
        {
            return [bytes[0]];
        }
        return [.. Prefix(StringOffset, bytes.Length), .. bytes];
    }

    public static byte[] EncodeString(string utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        return EncodeBytes(System.Text.Encoding.UTF8.GetBytes(utf8));
    }

    /// <summary>An unsigned integer as its minimal big-endian bytes; zero is the empty string.</summary>
    public static byte[] EncodeUInt(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "RLP integers are unsigned.");
        }
        return value.IsZero ? EmptyString : EncodeBytes(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    public static byte[] EncodeUInt(ulong value) => EncodeUInt(new BigInteger(value));

    /// <summary>A list of items, each already RLP-encoded.</summary>
    public static byte[] EncodeList(params IReadOnlyList<byte[]> encodedItems)
    {
        ArgumentNullException.ThrowIfNull(encodedItems);
        var payloadLength = 0;
        foreach (var item in encodedItems)
        {
            payloadLength = checked(payloadLength + item.Length);
        }
        var prefix = Prefix(ListOffset, payloadLength);
        var result = new byte[prefix.Length + payloadLength];
        prefix.CopyTo(result, 0);
        var at = prefix.Length;
        foreach (var item in encodedItems)
        {
            item.CopyTo(result, at);
            at += item.Length;
        }
        return result;
    }

    public static byte[] Encode(RlpItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.IsList ? EncodeList([.. item.Items.Select(Encode)]) : EncodeBytes(item.Bytes);
    }

    /// <summary>Decodes exactly one item filling all of <paramref name="data"/>; non-canonical encodings are refused.</summary>
    public static RlpItem Decode(ReadOnlySpan<byte> data) => RlpDecoder.DecodeWhole(data);

    private static byte[] Prefix(byte offset, int length)
    {
        if (length < 56)
        {
            return [(byte)(offset + length)];
        }
        var lengthBytes = new BigInteger(length).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [(byte)(offset + 55 + lengthBytes.Length), .. lengthBytes];
    }
}
