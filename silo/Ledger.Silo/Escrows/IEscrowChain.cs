using System.Numerics;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;

namespace Ledger.Silo.Escrows;

/// <summary>
/// The chain as the escrow pipeline and the reconciler need it: SettlementEscrow's writes (each signed,
/// recorded by the caller, then sent), where a sent one stands, the contract's state of escrows and its
/// events, and the reads the reconciler compares with the books (PayoutBatcher's paid flags, the
/// treasury's balance). Addresses are 20-byte arrays. Implemented over Ledger.Chain by
/// <see cref="ChainEscrowClient"/>.
/// </summary>
public interface IEscrowChain
{
    /// <summary>Confirmations at which a block counts as final (the inclusion block is the first).</summary>
    int Confirmations { get; }

    /// <summary>The stablecoin every escrow holds.</summary>
    byte[] Token { get; }

    /// <summary>The first block that can hold an escrow event: the contract's deployment block, or 0 when it is not known.</summary>
    ulong FirstBlock { get; }

    Task<ulong> HeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Signs the transaction the escrow's status sends (<see cref="EscrowTransitions.TxKindOf"/>): the open
    /// (by the treasury's allowance, made sure of first, or by the payer's permit), the release or the
    /// refund; awaits <paramref name="recordAsync"/> with it, then sends it. If <paramref name="recordAsync"/>
    /// throws, nothing is sent. A transaction the contract would refuse throws
    /// <see cref="EscrowRefusedException"/> before anything is signed.
    /// </summary>
    Task<SignedAnchor> SubmitAsync(Escrow escrow, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken);

    /// <summary>Sends recorded raw bytes again: the same transaction, included at most once.</summary>
    Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken);

    /// <summary>
    /// Where the escrow's recorded transaction stands. A revert counts as <see cref="EscrowCheckState.Failed"/>,
    /// and a nonce taken by another transaction as <see cref="EscrowCheckState.Displaced"/>, only at the
    /// finality depth.
    /// </summary>
    Task<EscrowCheck> CheckAsync(Escrow escrow, CancellationToken cancellationToken);

    /// <summary>The contract's record of each escrow id, in order, at <paramref name="block"/> (null: the latest block).</summary>
    Task<IReadOnlyList<OnChainEscrow>> GetEscrowsAsync(IReadOnlyList<UInt128> escrowIds, ulong? block, CancellationToken cancellationToken);

    /// <summary>
    /// The contract's Opened, Released and Refunded events in blocks <paramref name="fromBlock"/> to
    /// <paramref name="toBlock"/> (both included, at most <see cref="EventBlocksPerQueryMax"/>), in chain order.
    /// </summary>
    Task<IReadOnlyList<EscrowChainEvent>> GetEventsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken);

    /// <summary>Whether PayoutBatcher has paid each payout id, in order, at the latest block.</summary>
    Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken);

    /// <summary>The treasury's token balance at the latest block, in the token's base units.</summary>
    Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken);

    /// <summary>The widest block range one <see cref="GetEventsAsync"/> reads.</summary>
    public const ulong EventBlocksPerQueryMax = 10_000;
}

/// <summary>The chain the escrow pipeline should use now, or null while the node has none (escrows wait).</summary>
public interface IEscrowChainSource
{
    IEscrowChain? Current { get; }
}

/// <summary>The source of a node without a chain.</summary>
public sealed class NoEscrowChain : IEscrowChainSource
{
    public IEscrowChain? Current => null;
}
