using System.Numerics;

namespace Ledger.Silo.Escrows;

/// <summary>SettlementEscrow's state of an id, in the contract's order.</summary>
public enum OnChainEscrowState
{
    None = 0,
    Open = 1,
    Released = 2,
    Refunded = 3,
}

/// <summary>SettlementEscrow.escrows(id): every field is zero for an id never opened (<see cref="OnChainEscrowState.None"/>).</summary>
public sealed record OnChainEscrow(OnChainEscrowState State, byte[] Payer, byte[] Payee, byte[] Token, BigInteger Amount, ulong Deadline, byte[] Arbiter);
