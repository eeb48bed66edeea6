namespace Ledger.Chain.Crypto;

/// <summary>A secp256k1 ECDSA signature: r and s as 32 big-endian bytes each, and the recovery id (0 or 1, the parity of R's y).</summary>
public sealed record Signature
{
    public Signature(byte[] r, byte[] s, int recoveryId)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(s);
        if (r.Length != 32 || s.Length != 32)
        {
            throw new ArgumentException($"r and s must be 32 bytes each (got {r.Length} and {s.Length}).");
        }
        if (recoveryId is < 0 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(recoveryId), recoveryId, "Recovery id is 0 to 3.");
        }
        R = r;
        S = s;
        RecoveryId = recoveryId;
    }

    public byte[] R { get; }

    public byte[] S { get; }

    public int RecoveryId { get; }

    /// <summary>The 65-byte form r || s || v with v = 27 + recovery id, as ecrecover and eth_sign use.</summary>
    public byte[] ToRsv() => [.. R, .. S, (byte)(27 + RecoveryId)];

    public bool Equals(Signature? other) =>
        other is not null && R.AsSpan().SequenceEqual(other.R) && S.AsSpan().SequenceEqual(other.S) && RecoveryId == other.RecoveryId;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(R);
        hash.AddBytes(S);
        hash.Add(RecoveryId);
        return hash.ToHashCode();
    }
}
