using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Ledger.Chain.Crypto;

/// <summary>The secp256k1 curve and public-key recovery (SEC 1 v2, section 4.1.6).</summary>
internal static class Secp256k1
{
    private static readonly Org.BouncyCastle.Asn1.X9.X9ECParameters Curve = SecNamedCurves.GetByName("secp256k1");

    public static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);

    public static BigInteger N => Domain.N;

    public static readonly BigInteger HalfN = Domain.N.ShiftRight(1);

    public static BigInteger ToUnsigned(ReadOnlySpan<byte> bigEndian) => new(1, bigEndian.ToArray());

    public static byte[] To32Bytes(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        if (bytes.Length > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Value does not fit 32 bytes.");
        }
        var result = new byte[32];
        bytes.CopyTo(result, 32 - bytes.Length);
        return result;
    }

    public static bool IsScalar(BigInteger value) => value.SignValue > 0 && value.CompareTo(N) < 0;

    public static ECPoint PublicPoint(BigInteger privateKey) => Domain.G.Multiply(privateKey).Normalize();

    /// <summary>The public key whose signature (r, s) over <paramref name="hash"/> has R with the given recovery id; null when none does.</summary>
    public static ECPoint? Recover(ReadOnlySpan<byte> hash, BigInteger r, BigInteger s, int recoveryId)
    {
        if (!IsScalar(r) || !IsScalar(s))
        {
            return null;
        }
        // Recovery ids 2 and 3 stand for R.x = r + n, possible only when r + n is still below the field prime.
        var x = recoveryId >= 2 ? r.Add(N) : r;
        var prime = Curve.Curve.Field.Characteristic;
        if (x.CompareTo(prime) >= 0)
        {
            return null;
        }
        var compressed = new byte[33];
        compressed[0] = (byte)(0x02 | (recoveryId & 1));
        To32Bytes(x).CopyTo(compressed, 1);
        ECPoint rPoint;
        try
        {
            rPoint = Curve.Curve.DecodePoint(compressed);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var e = ToUnsigned(hash);
        var rInverse = r.ModInverse(N);
        var u1 = N.Subtract(e).Multiply(rInverse).Mod(N);
        var u2 = s.Multiply(rInverse).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Domain.G, u1, rPoint, u2).Normalize();
        return q.IsInfinity ? null : q;
    }

    /// <summary>The Ethereum address of a public point: the last 20 bytes of keccak256 of the 64-byte x || y.</summary>
    public static byte[] AddressBytes(ECPoint publicPoint)
    {
        var uncompressed = publicPoint.GetEncoded(false);
        return Keccak256.Hash(uncompressed.AsSpan(1))[12..];
    }
}
