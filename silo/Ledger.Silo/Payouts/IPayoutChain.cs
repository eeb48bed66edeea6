using System.Numerics;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;

namespace Ledger.Silo.Payouts;

/// <summary>
/// The chain as the payout pipeline needs it: the treasury's token balance and its allowance to the
/// PayoutBatcher, signing a batch's <c>pay</c> (recorded by the caller before it is sent), sending a
/// recorded one again, where a sent one stands, and whether a payout id was ever paid. Implemented over
/// Ledger.Chain by <see cref="ChainPayoutClient"/>.
/// </summary>
public interface IPayoutChain
{
    /// <summary>
    /// The most payouts one <c>pay</c> may carry so that its gas stays under the sender's cap (never more
    /// than <see cref="PayoutBatch.PayoutsMax"/>).
    /// </summary>
    int PayoutsPerTransactionMax { get; }

    /// <summary>The treasury's (the sending key's) token balance, in the token's base units, at the latest block.</summary>
    Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure the PayoutBatcher may pull at least <paramref name="total"/> from the treasury: when the
    /// allowance is below it, approves the maximum and waits for the approval's receipt.
    /// </summary>
    Task EnsureAllowanceAsync(BigInteger total, CancellationToken cancellationToken);

    /// <summary>
    /// Signs <c>pay(token, [(id, to, amount)…])</c> for the payouts in order, awaits
    /// <paramref name="recordAsync"/> with it, then sends it. A pay the contract would refuse throws
    /// <see cref="PayoutRefusedException"/> before anything is signed. If <paramref name="recordAsync"/>
    /// throws, nothing is sent.
    /// </summary>
    Task<SignedAnchor> SubmitAsync(IReadOnlyList<Payout> payouts, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken);

    /// <summary>Sends recorded raw bytes again: the same transaction, included at most once.</summary>
    Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken);

    /// <summary>
    /// Where the batch's recorded transaction stands (its block, when one was recorded, is checked for a
    /// reorganisation). A revert counts as <see cref="PayoutCheckState.Failed"/>, and a nonce taken by another
    /// transaction as <see cref="PayoutCheckState.Displaced"/>, only at the finality depth.
    /// </summary>
    Task<PayoutCheck> CheckAsync(PayoutBatch batch, CancellationToken cancellationToken);

    /// <summary>True once the PayoutBatcher has paid this payout id (at the latest block).</summary>
    Task<bool> IsPaidAsync(UInt128 payoutId, CancellationToken cancellationToken);

    /// <summary><see cref="IsPaidAsync"/> for many ids, in order, in as few requests as the node allows.</summary>
    Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken);
}

/// <summary>The chain the payout pipeline should use now, or null while the node has none (payouts wait pending).</summary>
public interface IPayoutChainSource
{
    IPayoutChain? Current { get; }
}

/// <summary>The source of a node without a chain.</summary>
public sealed class NoPayoutChain : IPayoutChainSource
{
    public IPayoutChain? Current => null;
}
