using Ledger.Chain.Encoding;

namespace Ledger.Chain.Rpc;

/// <summary>
/// A 32-byte hash (transaction, block, topic, Merkle root), kept as its lowercase "0x" hex text so it
/// compares, hashes and serialises by value.
/// </summary>
public readonly record struct Hash32
{
    private Hash32(string hex) => Hex = hex;

    /// <summary>"0x" and 64 lowercase hex digits.</summary>
    public string Hex { get; }

    public static Hash32 FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException($"A hash is 32 bytes; this one is {bytes.Length}.", nameof(bytes));
        }

        return new Hash32(Encoding.Hex.ToHex(bytes));
    }

    /// <summary>Parses "0x" and 64 hex digits, either case; anything else is refused with what was wrong.</summary>
    public static Hash32 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 66 || !text.StartsWith("0x", StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not a 32-byte hash: expected 0x and 64 hex digits.");
        }

        return FromBytes(Encoding.Hex.FromHex(text));
    }

    public byte[] ToBytes() => Encoding.Hex.FromHex(Hex ?? throw new InvalidOperationException("The default Hash32 holds no hash."));

    public override string ToString() => Hex;
}
