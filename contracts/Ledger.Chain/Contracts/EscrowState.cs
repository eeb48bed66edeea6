namespace Ledger.Chain.Contracts;

/// <summary>SettlementEscrow.State, in the contract's order.</summary>
public enum EscrowState
{
    None = 0,
    Open = 1,
    Released = 2,
    Refunded = 3,
}
