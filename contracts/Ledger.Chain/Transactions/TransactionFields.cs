using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Transactions;

/// <summary>RLP pieces shared by the transaction types.</summary>
internal static class TransactionFields
{
    /// <summary>The recipient: its 20 bytes, or the empty string for a contract creation.</summary>
    public static byte[] To(Address? to) => to is { } address ? Rlp.EncodeBytes(address.ToArray()) : Rlp.EmptyString;

    /// <summary>rlp([...fields, v, r, s]): the unsigned fields followed by the signature.</summary>
    public static byte[] SignedList(List<byte[]> fields, System.Numerics.BigInteger v, Signature signature)
    {
        fields.Add(Rlp.EncodeUInt(v));
        fields.Add(Scalar(signature.R));
        fields.Add(Scalar(signature.S));
        return Rlp.EncodeList(fields);
    }

    /// <summary>r or s as a minimal unsigned integer (leading zero bytes dropped), as the transaction formats require.</summary>
    public static byte[] Scalar(byte[] bigEndian32) =>
        Rlp.EncodeUInt(new System.Numerics.BigInteger(bigEndian32, isUnsigned: true, isBigEndian: true));

    public static Signature SignForTransaction(EthKey key, byte[] signingHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.Sign(signingHash);
        // Recovery ids 2 and 3 (R.x beyond n, odds about 2^-127) cannot be written in a transaction.
        return signature.RecoveryId <= 1
            ? signature
            : throw new InvalidOperationException("The signature needs recovery id 2 or 3, which a transaction cannot carry.");
    }
}
