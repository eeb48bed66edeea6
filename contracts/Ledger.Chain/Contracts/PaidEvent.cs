using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>Paid(bytes32 indexed id, address indexed token, address indexed to, uint256 amount, address payer).</summary>
public sealed record PaidEvent(Hash32 Id, Address Token, Address To, BigInteger Amount, Address Payer, RpcLog Log)
{
    internal static PaidEvent From(DecodedLog log) => new(
        AbiValue.Bytes32(log.Values["id"], "Paid.id"),
        AbiValue.AddressOf(log.Values["token"], "Paid.token"),
        AbiValue.AddressOf(log.Values["to"], "Paid.to"),
        AbiValue.Integer(log.Values["amount"], "Paid.amount"),
        AbiValue.AddressOf(log.Values["payer"], "Paid.payer"),
        log.Log);
}
