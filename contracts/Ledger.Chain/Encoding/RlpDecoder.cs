namespace Ledger.Chain.Encoding;

/// <summary>Strict RLP decoding: every length minimal, single bytes below 0x80 written bare, no trailing bytes.</summary>
internal static class RlpDecoder
{
    /// <summary>Nesting bound, so hostile input (0xc1 0xc1 0xc1 ...) cannot exhaust the stack.</summary>
    private const int MaxDepth = 256;

    public static RlpItem DecodeWhole(ReadOnlySpan<byte> data)
    {
        var item = ReadItem(data, 0, out var consumed);
        if (consumed != data.Length)
        {
            throw new FormatException($"RLP has {data.Length - consumed} trailing byte(s) after the item.");
        }
        return item;
    }

    private static RlpItem ReadItem(ReadOnlySpan<byte> data, int depth, out int consumed)
    {
        if (data.IsEmpty)
        {
            throw new FormatException("RLP input ended where an item was expected.");
        }
        var first = data[0];
        if (first < 0x80)
        {
            consumed = 1;
            return RlpItem.FromBytes(data[..1]);
        }
        var isList = first >= 0xc0;
        var shortBase = isList ? 0xc0 : 0x80;
        int headerLength;
        int payloadLength;
        if (first <= shortBase + 55)
        {
            headerLength = 1;
            payloadLength = first - shortBase;
        }
        else
        {
            var lengthOfLength = first - shortBase - 55;
            headerLength = 1 + lengthOfLength;
            payloadLength = ReadLongLength(data, lengthOfLength);
        }
        if (payloadLength > data.Length - headerLength)
        {
            throw new FormatException($"RLP item claims {payloadLength} byte(s) but {data.Length - headerLength} remain.");
        }
        var payload = data.Slice(headerLength, payloadLength);
        consumed = headerLength + payloadLength;
        if (!isList)
        {
            if (payloadLength == 1 && payload[0] < 0x80)
            {
                throw new FormatException("RLP single byte below 0x80 must be written as itself, not as a one-byte string.");
            }
            return RlpItem.FromBytes(payload);
        }
        if (depth >= MaxDepth)
        {
            throw new FormatException($"RLP lists nest deeper than {MaxDepth}.");
        }
        var items = new List<RlpItem>();
        while (!payload.IsEmpty)
        {
            items.Add(ReadItem(payload, depth + 1, out var used));
            payload = payload[used..];
        }
        return RlpItem.FromList(items);
    }

    private static int ReadLongLength(ReadOnlySpan<byte> data, int lengthOfLength)
    {
        if (data.Length < 1 + lengthOfLength)
        {
            throw new FormatException("RLP input ended inside a length.");
        }
        var lengthBytes = data.Slice(1, lengthOfLength);
        if (lengthBytes[0] == 0)
        {
            throw new FormatException("RLP length has a leading zero byte.");
        }
        ulong length = 0;
        foreach (var b in lengthBytes)
        {
            if (length > (ulong)int.MaxValue >> 8)
            {
                throw new FormatException("RLP length is larger than any input this decoder accepts.");
            }
            length = (length << 8) | b;
        }
        if (length < 56)
        {
            throw new FormatException($"RLP length {length} below 56 must use the short form.");
        }
        return length <= int.MaxValue ? (int)length : throw new FormatException("RLP length is larger than any input this decoder accepts.");
    }
}
