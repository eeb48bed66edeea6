using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>
/// One of SettlementEscrow's events: Opened, Released or Refunded (<see cref="Name"/>), with the id,
/// the party the tokens went from or to, the token and the amount.
/// </summary>
public sealed record EscrowEvent(string Name, Hash32 Id, Address Party, Address Token, BigInteger Amount, RpcLog Log)
{
    internal static EscrowEvent From(string name, DecodedLog log)
    {
        var partyKey = name switch
        {
            "Released" => "payee",
            _ => "payer",
        };
        return new EscrowEvent(
            name,
            AbiValue.Bytes32(log.Values["id"], $"{name}.id"),
            AbiValue.AddressOf(log.Values[partyKey], $"{name}.{partyKey}"),
            AbiValue.AddressOf(log.Values["token"], $"{name}.token"),
            AbiValue.Integer(log.Values["amount"], $"{name}.amount"),
            log.Log);
    }
}
