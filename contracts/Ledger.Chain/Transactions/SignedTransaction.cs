using Ledger.Chain.Encoding;

namespace Ledger.Chain.Transactions;

/// <summary>A signed transaction: the raw bytes eth_sendRawTransaction takes, and the transaction hash (keccak256 of them).</summary>
public sealed record SignedTransaction(byte[] Raw, byte[] Hash)
{
    /// <summary>The raw bytes with their hash, keccak256(raw).</summary>
    public static SignedTransaction FromRaw(byte[] raw) => new(raw, Crypto.Keccak256.Hash(raw));

    public string RawHex => Hex.ToHex(Raw);

    public string HashHex => Hex.ToHex(Hash);

    public bool Equals(SignedTransaction? other) =>
        other is not null && Raw.AsSpan().SequenceEqual(other.Raw) && Hash.AsSpan().SequenceEqual(other.Hash);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Hash);
        return hash.ToHashCode();
    }
}
