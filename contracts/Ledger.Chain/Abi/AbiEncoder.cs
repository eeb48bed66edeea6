using System.Collections;
using System.Numerics;

namespace Ledger.Chain.Abi;

/// <summary>Writes the standard (non-packed) Solidity ABI encoding: heads, then the tails of dynamic values.</summary>
internal static class AbiEncoder
{
    private const int Word = 32;

    public static byte[] EncodeSequence(IReadOnlyList<AbiType> types, IList values)
    {
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"{types.Count} ABI type(s) but {values.Count} value(s).");
        }
        var headLength = types.Sum(t => t.HeadSize);
        var heads = new List<byte[]>(types.Count);
        var tails = new List<byte[]>();
        var tailLength = 0;
        for (var i = 0; i < types.Count; i++)
        {
            var encoded = EncodeValue(types[i], values[i]);
            if (types[i].IsDynamic)
            {
                heads.Add(UnsignedWord(headLength + tailLength));
                tails.Add(encoded);
                tailLength += encoded.Length;
            }
            else
            {
                heads.Add(encoded);
            }
        }
        return [.. heads.SelectMany(h => h), .. tails.SelectMany(t => t)];
    }

    private static byte[] EncodeValue(AbiType type, object? value)
    {
        switch (type.Kind)
        {
            case AbiKind.UInt:
            case AbiKind.Int:
                return SignedWord(AbiValues.ToInteger(type, value));
            case AbiKind.Address:
                return value is Address address
                    ? [.. new byte[Word - Address.Length], .. address.ToArray()]
                    : throw AbiValues.WrongValue(type, value, "an Address");
            case AbiKind.Bool:
                return value is bool flag ? UnsignedWord(flag ? 1 : 0) : throw AbiValues.WrongValue(type, value, "a bool");
            case AbiKind.FixedBytes:
                if (value is not byte[] fixedBytes)
                {
                    throw AbiValues.WrongValue(type, value, $"a byte[] of length {type.Size}");
                }
                return fixedBytes.Length == type.Size
                    ? PadRight(fixedBytes)
                    : throw new ArgumentException($"{type} needs exactly {type.Size} byte(s); got {fixedBytes.Length}.");
            case AbiKind.Bytes:
                return value is byte[] bytes ? [.. UnsignedWord(bytes.Length), .. PadRight(bytes)] : throw AbiValues.WrongValue(type, value, "a byte[]");
            case AbiKind.String:
                if (value is not string text)
                {
                    throw AbiValues.WrongValue(type, value, "a string");
                }
                var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
                return [.. UnsignedWord(utf8.Length), .. PadRight(utf8)];
            case AbiKind.FixedArray:
                {
                    var items = AbiValues.ToList(type, value, type.Length);
                    return EncodeSequence(Enumerable.Repeat(type.Element!, items.Count).ToArray(), items);
                }
            case AbiKind.Array:
                {
                    var items = AbiValues.ToList(type, value, null);
                    return [.. UnsignedWord(items.Count), .. EncodeSequence(Enumerable.Repeat(type.Element!, items.Count).ToArray(), items)];
                }
            default:
                return EncodeSequence(type.Components, AbiValues.ToList(type, value, type.Components.Count));
        }
    }

    private static byte[] UnsignedWord(int value) => SignedWord(value);

    /// <summary>A 32-byte big-endian two's-complement word (sign-extended for negative values).</summary>
    private static byte[] SignedWord(BigInteger value)
    {
        var word = new byte[Word];
        if (value.Sign < 0)
        {
            Array.Fill(word, (byte)0xff);
        }
        var bytes = value.ToByteArray(isUnsigned: false, isBigEndian: true);
        // ToByteArray may add a sign byte that a 256-bit value does not need.
        var significant = bytes.Length > Word ? bytes.AsSpan(bytes.Length - Word) : bytes;
        significant.CopyTo(word.AsSpan(Word - significant.Length));
        return word;
    }

    private static byte[] PadRight(byte[] bytes)
    {
        var padded = new byte[(bytes.Length + Word - 1) / Word * Word];
        bytes.CopyTo(padded, 0);
        return padded;
    }
}
