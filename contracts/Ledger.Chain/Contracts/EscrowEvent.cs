using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>
/// One of SettlementEscrow's events: Opened, Released or Refunded (<see cref="Name"/>), with the id,
/// the party the tokens went from or to (Opened and Refunded: the payer; Released: the payee), the token
/// and the amount. The members only some events carry are null on the others.
/// </summary>
public sealed record EscrowEvent(string Name, Hash32 Id, Address Party, Address Token, BigInteger Amount, RpcLog Log)
{
    /// <summary>Opened and Released: who receives a release. Null on Refunded.</summary>
    public Address? Payee { get; init; }

    /// <summary>Opened: unix seconds after which anyone may refund. Null on the others.</summary>
    public ulong? Deadline { get; init; }

    /// <summary>Opened: who may release, and refund at any time. Null on the others.</summary>
    public Address? Arbiter { get; init; }

    /// <summary>Refunded: who sent the refund (the arbiter, or anyone after the deadline). Null on the others.</summary>
    public Address? Caller { get; init; }

    internal static EscrowEvent From(string name, DecodedLog log)
    {
        var partyKey = name switch
        {
            SettlementEscrowContract.ReleasedEventName => "payee",
            _ => "payer",
        };
        var escrowEvent = new EscrowEvent(
            name,
            AbiValue.Bytes32(log.Values["id"], $"{name}.id"),
            AbiValue.AddressOf(log.Values[partyKey], $"{name}.{partyKey}"),
            AbiValue.AddressOf(log.Values["token"], $"{name}.token"),
            AbiValue.Integer(log.Values["amount"], $"{name}.amount"),
            log.Log);
        return name switch
        {
            SettlementEscrowContract.OpenedEventName => escrowEvent with
            {
                Payee = AbiValue.AddressOf(log.Values["payee"], "Opened.payee"),
                Deadline = AbiValue.UInt64(log.Values["deadline"], "Opened.deadline"),
                Arbiter = AbiValue.AddressOf(log.Values["arbiter"], "Opened.arbiter"),
            },
            SettlementEscrowContract.ReleasedEventName => escrowEvent with { Payee = escrowEvent.Party },
            SettlementEscrowContract.RefundedEventName => escrowEvent with
            {
                Caller = AbiValue.AddressOf(log.Values["caller"], "Refunded.caller"),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "SettlementEscrow emits Opened, Released and Refunded."),
        };
    }
}
