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
        return SignedTransaction.FromRaw(TransactionFields.SignedList(Fields(), V(signature.RecoveryId), signature));
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
