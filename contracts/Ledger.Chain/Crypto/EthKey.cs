using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Ledger.Chain.Crypto;

/// <summary>A secp256k1 private key that signs 32-byte hashes the way Ethereum accepts (deterministic, low s, with recovery id).</summary>
public sealed class EthKey
{
    private readonly BigInteger _secret;
    private readonly ECPoint _publicPoint;

    private EthKey(BigInteger secret)
    {
        if (!Secp256k1.IsScalar(secret))
        {
            throw new ArgumentException("A private key must be between 1 and n - 1 of secp256k1.");
        }
        _secret = secret;
        _publicPoint = Secp256k1.PublicPoint(secret);
        Address = Address.FromBytes(Secp256k1.AddressBytes(_publicPoint));
    }

    public Address Address { get; }

    /// <summary>The uncompressed public key without its 0x04 prefix: x || y, 64 bytes.</summary>
    public byte[] PublicKey => _publicPoint.GetEncoded(false)[1..];

    /// <summary>A key from 64 hex digits, with or without 0x.</summary>
    public static EthKey FromHex(string hexPrivateKey)
    {
        var bytes = Hex.FromHex(hexPrivateKey);
        if (bytes.Length != 32)
        {
            throw new FormatException($"A private key is 32 bytes; got {bytes.Length}.");
        }
        return new EthKey(Secp256k1.ToUnsigned(bytes));
    }

    public static EthKey Generate()
    {
        Span<byte> candidate = stackalloc byte[32];
        while (true)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(candidate);
            var secret = Secp256k1.ToUnsigned(candidate);
            if (Secp256k1.IsScalar(secret))
            {
                return new EthKey(secret);
            }
        }
    }

    /// <summary>The 32 secret bytes, for whoever must store a generated key; handle with care.</summary>
    public byte[] ExportPrivateKey() => Secp256k1.To32Bytes(_secret);

    /// <summary>Signs a 32-byte hash: RFC 6979 nonce, s normalised to the lower half of the order, recovery id found by recovering the key.</summary>
    public Signature Sign(ReadOnlySpan<byte> hash32)
    {
        RequireHash(hash32);
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, new ECPrivateKeyParameters(_secret, Secp256k1.Domain));
        var rs = signer.GenerateSignature(hash32.ToArray());
        var r = rs[0];
        var s = rs[1];
        if (s.CompareTo(Secp256k1.HalfN) > 0)
        {
            s = Secp256k1.N.Subtract(s);
        }
        for (var recoveryId = 0; recoveryId < 4; recoveryId++)
        {
            var recovered = Secp256k1.Recover(hash32, r, s, recoveryId);
            if (recovered is not null && recovered.Equals(_publicPoint))
            {
                return new Signature(Secp256k1.To32Bytes(r), Secp256k1.To32Bytes(s), recoveryId);
            }
        }
        throw new InvalidOperationException("No recovery id reproduces the signing key; the signature is unusable.");
    }

    /// <summary>The address whose key made <paramref name="signature"/> over <paramref name="hash32"/>; refused when the signature recovers no key.</summary>
    public static Address Recover(ReadOnlySpan<byte> hash32, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        RequireHash(hash32);
        var point = Secp256k1.Recover(hash32, Secp256k1.ToUnsigned(signature.R), Secp256k1.ToUnsigned(signature.S), signature.RecoveryId)
            ?? throw new ArgumentException("The signature recovers no public key.", nameof(signature));
        return Address.FromBytes(Secp256k1.AddressBytes(point));
    }

    private static void RequireHash(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32)
        {
            throw new ArgumentException($"A hash to sign is 32 bytes; got {hash32.Length}.", nameof(hash32));
        }
    }

    public override string ToString() => $"EthKey({Address})";
}
