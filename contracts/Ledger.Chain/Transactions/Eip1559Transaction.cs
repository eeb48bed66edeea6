using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Transactions;

/// <summary>
/// An EIP-1559 (type 2) transaction with an empty access list. To is null for a contract creation, whose Data is then the init code.
/// </summary>
public sealed record Eip1559Transaction(
    ulong ChainId,
    ulong Nonce,
    BigInteger MaxPriorityFeePerGas,
    BigInteger MaxFeePerGas,
    ulong GasLimit,
    Address? To,
    BigInteger Value,
    byte[] Data)
{
    public const byte TypeByte = 0x02;

    /// <summary>keccak256(0x02 || rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])).</summary>
    public byte[] SigningHash() => Keccak256.Hash([TypeByte, .. Rlp.EncodeList(Fields())]);

    /// <summary>The raw transaction 0x02 || rlp([...fields, yParity, r, s]) and its hash.</summary>
    public SignedTransaction Sign(EthKey key)
    {
        var signature = TransactionFields.SignForTransaction(key, SigningHash());
        var body = TransactionFields.SignedList(Fields(), signature.RecoveryId, signature);
        return SignedTransaction.FromRaw([TypeByte, .. body]);
    }

    private List<byte[]> Fields()
    {
        ArgumentNullException.ThrowIfNull(Data);
        return
        [
            Rlp.EncodeUInt(ChainId),
            Rlp.EncodeUInt(Nonce),
            Rlp.EncodeUInt(MaxPriorityFeePerGas),
            Rlp.EncodeUInt(MaxFeePerGas),
            Rlp.EncodeUInt(GasLimit),
            TransactionFields.To(To),
            Rlp.EncodeUInt(Value),
            Rlp.EncodeBytes(Data),
            Rlp.EmptyList,
        ];
    }
}
