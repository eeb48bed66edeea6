using System.Buffers.Binary;

namespace Ledger.Core.Codec;

/// <summary>
/// Ids on the wire are UUID text (RFC 9562, lowercase); in the ledger they are the 16 bytes in network
/// order read as a big-endian unsigned 128-bit integer, so the record bytes and the text agree.
/// </summary>
public static class Uuid
{
    /// <summary>Parses the 36-character hyphenated form, either case. Returns false on anything else.</summary>
    public static bool TryParse(string? text, out UInt128 value)
    {
        value = UInt128.Zero;
        if (text is null || text.Length != 36)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        var b = 0;
        for (var i = 0; i < 36;)
        {
            if (i is 8 or 13 or 18 or 23)
            {
                if (text[i] != '-')
                {
                    return false;
                }

                i++;
                continue;
            }

            var high = HexValue(text[i]);
            var low = HexValue(text[i + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            bytes[b++] = (byte)((high << 4) | low);
            i += 2;
        }

        value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    public static UInt128 Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a UUID.");

    public static string Format(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        var hex = Convert.ToHexStringLower(bytes);
        return string.Create(36, hex, static (span, h) =>
        {
            h.AsSpan(0, 8).CopyTo(span);
            span[8] = '-';
            h.AsSpan(8, 4).CopyTo(span[9..]);
            span[13] = '-';
            h.AsSpan(12, 4).CopyTo(span[14..]);
            span[18] = '-';
            h.AsSpan(16, 4).CopyTo(span[19..]);
            span[23] = '-';
            h.AsSpan(20, 12).CopyTo(span[24..]);
        });
    }

    public static UInt128 FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>A new UUIDv7 (time-ordered), as RFC 9562 recommends for client-chosen ids.</summary>
    public static UInt128 NewV7() => FromGuid(Guid.CreateVersion7());

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
