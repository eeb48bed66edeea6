using System.Buffers.Binary;
using Ledger.Chain.Crypto;

namespace Ledger.Chain.Abi;

/// <summary>A 20-byte Ethereum address; written with the EIP-55 mixed-case checksum. The default value is the zero address.</summary>
public readonly struct Address : IEquatable<Address>
{
    public const int Length = 20;

    // Big-endian: bytes 0-7, 8-15 and 16-19, so the struct is a value with value equality and no heap array.
    private readonly ulong _high;
    private readonly ulong _middle;
    private readonly uint _low;

    private Address(ReadOnlySpan<byte> bytes)
    {
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _middle = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    public static Address Zero => default;

    public static Address FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length ? new Address(bytes) : throw new ArgumentException($"An address is {Length} bytes; got {bytes.Length}.", nameof(bytes));

    /// <summary>"0x" and 40 hex digits. All-lowercase or all-uppercase digits are taken as written; mixed case must be the EIP-55 checksum.</summary>
    public static Address Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public static bool TryParse(string? text, out Address address) => TryParse(text, out address, out _);

    private static bool TryParse(string? text, out Address address, out string error)
    {
        address = default;
        if (text is null || text.Length != 42 || !text.StartsWith("0x", StringComparison.Ordinal))
        {
            error = $"Address '{text}' is not 0x followed by 40 hex digits.";
            return false;
        }
        var digits = text.AsSpan(2);
        bool hasLower = false, hasUpper = false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = $"Address '{text}' has the non-hex character '{c}'.";
                return false;
            }
            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }
        address = new Address(Convert.FromHexString(digits));
        if (hasLower && hasUpper && !digits.SequenceEqual(address.ToString().AsSpan(2)))
        {
            address = default;
            error = $"Address '{text}' has mixed case that is not its EIP-55 checksum.";
            return false;
        }
        error = "";
        return true;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), _middle);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), _low);
        return bytes;
    }

    /// <summary>EIP-55: a hex letter is upper case when the matching nibble of keccak256(lowercase hex) is 8 or more.</summary>
    public override string ToString()
    {
        var lower = Convert.ToHexStringLower(ToArray());
        var hash = Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(lower));
        var chars = new char[42];
        chars[0] = '0';
        chars[1] = 'x';
        for (var i = 0; i < lower.Length; i++)
        {
            var nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            chars[i + 2] = nibble >= 8 ? char.ToUpperInvariant(lower[i]) : lower[i];
        }
        return new string(chars);
    }

    /// <summary>Lowercase hex, as JSON-RPC accepts everywhere.</summary>
    public string ToLowerHex() => "0x" + Convert.ToHexStringLower(ToArray());

    public bool Equals(Address other) => _high == other._high && _middle == other._middle && _low == other._low;

    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _middle, _low);

    public static bool operator ==(Address left, Address right) => left.Equals(right);

    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
