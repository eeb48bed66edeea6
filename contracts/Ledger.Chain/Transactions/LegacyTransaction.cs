using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Transactions;

/// <summary>A legacy (pre-typed) transaction signed with EIP-155 replay protection: v = recovery id + 35 + 2 * chainId.</summary>
public sealed record LegacyTransaction(
    ulong Nonce,
    BigInteger GasPrice,
    ulong GasLimit,
    Address? To,
    BigInteger Value,
    byte[] Data,
    ulong ChainId)
{
    /// <summary>rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0]), the EIP-155 signing data.</summary>
    public byte[] SigningData()
    {
        var fields = Fields();
        fields.Add(Rlp.EncodeUInt(ChainId));
        fields.Add(Rlp.EmptyString);
        fields.Add(Rlp.EmptyString);
        return Rlp.EncodeList(fields);
    }

    public byte[] SigningHash() => Keccak256.Hash(SigningData());

    /// <summary>The v this transaction carries for a recovery id.</summary>
    public BigInteger V(int recoveryId) => recoveryId + 35 + (2 * new BigInteger(ChainId));

    public SignedTransaction Sign(EthKey key)
    {
        var signature = TransactionFields.SignForTransaction(key, SigningHash());
        var fields = Fields();
        fields.Add(Rlp.EncodeUInt(V(signature.RecoveryId)));
        fields.Add(TransactionFields.Scalar(signature.R));
        fields.Add(TransactionFields.Scalar(signature.S));
        var raw = Rlp.EncodeList(fields);
        return new SignedTransaction(raw, Keccak256.Hash(raw));
    }

    private List<byte[]> Fields()
    {
        ArgumentNullException.ThrowIfNull(Data);
        return
        [
            Rlp.EncodeUInt(Nonce),
            Rlp.EncodeUInt(GasPrice),
            Rlp.EncodeUInt(GasLimit),
            TransactionFields.To(To),
            Rlp.EncodeUInt(Value),
            Rlp.EncodeBytes(Data),
        ];
    }
}
