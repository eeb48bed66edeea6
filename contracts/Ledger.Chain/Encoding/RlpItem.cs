using System.Numerics;

namespace Ledger.Chain.Encoding;

/// <summary>A decoded RLP item: a byte string or a list of items.</summary>
public sealed class RlpItem : IEquatable<RlpItem>
{
    private readonly byte[]? _bytes;
    private readonly RlpItem[]? _items;

    private RlpItem(byte[]? bytes, RlpItem[]? items)
    {
        _bytes = bytes;
        _items = items;
    }

    public static RlpItem FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray(), null);

    public static RlpItem FromList(params IReadOnlyList<RlpItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(null, [.. items]);
    }

    public bool IsList => _items is not null;

    /// <summary>The byte string; a list has none.</summary>
    public byte[] Bytes => _bytes is { } bytes
        ? (byte[])bytes.Clone()
        : throw new InvalidOperationException("The RLP item is a list, not a byte string.");

    /// <summary>The list's items; a byte string has none.</summary>
    public IReadOnlyList<RlpItem> Items => _items ?? throw new InvalidOperationException("The RLP item is a byte string, not a list.");

    /// <summary>The byte string read as an unsigned big-endian integer; a leading zero byte is not canonical and is refused.</summary>
    public BigInteger ToBigInteger()
    {
        var bytes = _bytes ?? throw new InvalidOperationException("The RLP item is a list, not an integer.");
        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new FormatException("RLP integer has a leading zero byte.");
        }
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    public ulong ToUInt64()
    {
        var value = ToBigInteger();
        return value <= ulong.MaxValue ? (ulong)value : throw new FormatException("RLP integer does not fit 64 bits.");
    }

    public bool Equals(RlpItem? other)
    {
        if (other is null)
        {
            return false;
        }
        if (_bytes is not null)
        {
            return other._bytes is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
        }
        return other._items is not null && _items!.SequenceEqual(other._items);
    }

    public override bool Equals(object? obj) => Equals(obj as RlpItem);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        if (_bytes is not null)
        {
            hash.AddBytes(_bytes);
        }
        else
        {
            hash.Add(_items!.Length);
            foreach (var item in _items)
            {
                hash.Add(item.GetHashCode());
            }
        }
        return hash.ToHashCode();
    }

    public override string ToString() =>
        _bytes is not null ? Hex.ToHex(_bytes) : "[" + string.Join(", ", _items!.Select(i => i.ToString())) + "]";
}
