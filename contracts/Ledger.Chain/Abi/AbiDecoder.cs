using System.Numerics;

namespace Ledger.Chain.Abi;

/// <summary>
/// Reads the standard Solidity ABI encoding strictly: every offset and length inside the data, integers within their type's
/// range (sign-extended for int), bool only 0 or 1, address high bytes and all padding zero.
/// </summary>
internal static class AbiDecoder
{
    private const int Word = 32;

    /// <summary>Decodes a sequence whose heads start at the beginning of <paramref name="frame"/>; offsets count from there too.</summary>
    public static object?[] DecodeSequence(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> frame)
    {
        var headLength = types.Sum(t => t.HeadSize);
        if (frame.Length < headLength)
        {
            throw new FormatException($"ABI data has {frame.Length} byte(s); the heads alone need {headLength}.");
        }
        var values = new object?[types.Count];
        var at = 0;
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i];
            if (type.IsDynamic)
            {
                var offset = ReadLength(frame.Slice(at, Word), frame.Length, "offset");
                values[i] = DecodeValue(type, frame[offset..]);
                at += Word;
            }
            else
            {
                values[i] = DecodeValue(type, frame.Slice(at, type.HeadSize));
                at += type.HeadSize;
            }
        }
        return values;
    }

    /// <summary>Decodes one value that starts at the beginning of <paramref name="data"/>.</summary>
    public static object? DecodeValue(AbiType type, ReadOnlySpan<byte> data)
    {
        switch (type.Kind)
        {
            case AbiKind.UInt:
            case AbiKind.Int:
                return DecodeInteger(type, FirstWord(data, type));
            case AbiKind.Address:
                {
                    var word = FirstWord(data, type);
                    RequireZero(word[..(Word - Address.Length)], "address high bytes");
                    return Address.FromBytes(word[(Word - Address.Length)..]);
                }
            case AbiKind.Bool:
                {
                    var word = FirstWord(data, type);
                    RequireZero(word[..(Word - 1)], "bool high bytes");
                    return word[Word - 1] switch
                    {
                        0 => false,
                        1 => true,
                        var b => throw new FormatException($"ABI bool is {b}, not 0 or 1."),
                    };
                }
            case AbiKind.FixedBytes:
                {
                    var word = FirstWord(data, type);
                    RequireZero(word[type.Size..], $"{type} padding");
                    return word[..type.Size].ToArray();
                }
            case AbiKind.Bytes:
                return ReadByteString(data);
            case AbiKind.String:
                return DecodeUtf8(ReadByteString(data));
            case AbiKind.FixedArray:
                return DecodeSequence(Enumerable.Repeat(type.Element!, type.Length).ToArray(), data);
            case AbiKind.Array:
                {
                    var count = ReadLength(FirstWord(data, type), int.MaxValue, "array length");
                    var elements = data[Word..];
                    // Each element takes at least its head in the data, so a claimed count beyond that is refused before allocating.
                    if ((long)count * type.Element!.HeadSize > elements.Length)
                    {
                        throw new FormatException($"ABI array claims {count} element(s) but only {elements.Length} byte(s) follow.");
                    }
                    return DecodeSequence(Enumerable.Repeat(type.Element, count).ToArray(), elements);
                }
            default:
                return DecodeSequence(type.Components, data);
        }
    }

    private static BigInteger DecodeInteger(AbiType type, ReadOnlySpan<byte> word)
    {
        var value = type.Kind == AbiKind.UInt
            ? new BigInteger(word, isUnsigned: true, isBigEndian: true)
            : new BigInteger(word, isUnsigned: false, isBigEndian: true);
        var (min, max) = AbiValues.Range(type);
        if (value < min || value > max)
        {
            throw new FormatException($"ABI value {value} is outside the range of {type}.");
        }
        return value;
    }

    private static byte[] ReadByteString(ReadOnlySpan<byte> data)
    {
        var length = ReadLength(FirstWord(data, AbiType.BytesType), int.MaxValue, "byte length");
        var body = data[Word..];
        var padded = ((long)length + Word - 1) / Word * Word;
        if (padded > body.Length)
        {
            throw new FormatException($"ABI byte string claims {length} byte(s) (padded {padded}) but {body.Length} follow.");
        }
        RequireZero(body[length..(int)padded], "byte string padding");
        return body[..length].ToArray();
    }

    private static string DecodeUtf8(byte[] bytes)
    {
        try
        {
            return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new FormatException("ABI string is not valid UTF-8.", e);
        }
    }

    /// <summary>A word holding an offset or a length: must be below <paramref name="limit"/> (offsets: within the frame).</summary>
    private static int ReadLength(ReadOnlySpan<byte> word, int limit, string what)
    {
        var value = new BigInteger(word[..Word], isUnsigned: true, isBigEndian: true);
        if (value >= limit || value > int.MaxValue)
        {
            throw new FormatException($"ABI {what} {value} is out of range (limit {limit}).");
        }
        return (int)value;
    }

    private static ReadOnlySpan<byte> FirstWord(ReadOnlySpan<byte> data, AbiType type) =>
        data.Length >= Word ? data[..Word] : throw new FormatException($"ABI data ends inside a {type} word.");

    private static void RequireZero(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.ContainsAnyExcept((byte)0))
        {
            throw new FormatException($"ABI {what} must be zero.");
        }
    }
}
