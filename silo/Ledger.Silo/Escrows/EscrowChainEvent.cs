using System.Numerics;

namespace Ledger.Silo.Escrows;

public enum EscrowEventKind
{
    Opened,
    Released,
    Refunded,
}

/// <summary>
/// One of SettlementEscrow's events, where it stands: <see cref="Party"/> is the payer for Opened and
/// Refunded and the payee for Released; <see cref="Payee"/>, <see cref="Deadline"/> and
/// <see cref="Arbiter"/> are set on Opened only. <see cref="OnChainId"/> is the contract's bytes32 id.
/// </summary>
public sealed record EscrowChainEvent(
    EscrowEventKind Kind, byte[] OnChainId, byte[] Party, byte[] Token, BigInteger Amount, ulong Block, byte[] TxHash, ulong LogIndex)
{
    public byte[]? Payee { get; init; }

    public ulong? Deadline { get; init; }

    public byte[]? Arbiter { get; init; }

    /// <summary>The ledger id the event is about, or null when the bytes32 id is not one of ours.</summary>
    public UInt128? EscrowId => Ledger.Core.Tokens.OnChainId.FromBytes32(OnChainId);
}
