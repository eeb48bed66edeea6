using System.Numerics;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Silo.Settlement;

namespace Ledger.Silo.Escrows;

/// <summary>
/// Compares the chain, the system of record and the ledger, and records what differs as the latest
/// <see cref="ReconciliationReport"/>. Escrows are read at the escrow event cursor: every event up to it
/// has been applied, so the record may be ahead of the chain there only by what the tracker applied from
/// a final transaction of its own (a block the record names, past the cursor), never behind; in-flight
/// states are not reported. Payouts are read at the latest block: PayoutBatcher pays an id at most once
/// and never unpays it, so a confirmed payout reads paid from its final block on, and a failed one must
/// never read paid.
/// </summary>
/// <remarks>
/// Escrows: Opening ↔ None or Open; Open, Releasing, Refunding ↔ Open (None while their open block is past
/// the cursor), mirror pending; Released ↔ Released (Open while its block is past the cursor), mirror
/// posted; Refunded likewise with the mirror voided; Failed ↔ None, mirror voided or absent. Where the
/// chain holds the id, its amount, token, parties and deadline must be the record's. Payouts (erc20):
/// Confirmed ↔ paid, hold posted; Failed ↔ not paid, hold voided or absent; Pending or Submitted ↔ hold
/// pending. Treasury: its balance covers the held payouts not paid yet. Events naming an id of our form
/// that no escrow has: unknown_escrow.
/// </remarks>
public sealed class Reconciler(IEscrowStore escrows, IPayoutStore payouts, ILedgerStore ledger, TimeProvider clock)
{
    /// <summary>The most recent escrows, and the most recent payouts, checked in one report.</summary>
    public const int SubjectsPerReportMax = 1000;

    public const string StateDiffers = "state_differs";
    public const string MirrorDiffers = "mirror_differs";
    public const string HoldDiffers = "hold_differs";
    public const string PaidDiffers = "paid_differs";
    public const string TreasuryShort = "treasury_short";
    public const string UnknownEscrow = "unknown_escrow";

    /// <summary>
    /// Builds the report and records it under <paramref name="fence"/>. Null, nothing recorded, before the
    /// escrow event cursor exists (the tracker's first round sets it).
    /// </summary>
    public async Task<ReconciliationReport?> RunAsync(IEscrowChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(fence);
        if (await escrows.GetEscrowCursorAsync(cancellationToken) is not { } block)
        {
            return null;
        }

        var mismatches = new List<ReconciliationMismatch>();
        var escrowsChecked = await CheckEscrowsAsync(chain, block, mismatches, cancellationToken);
        await CheckUnknownEscrowsAsync(chain, block, mismatches, cancellationToken);
        var payoutsChecked = await CheckPayoutsAsync(chain, mismatches, cancellationToken);
        var kept = mismatches.Count > ReconciliationReport.MismatchesMax ? mismatches.GetRange(0, ReconciliationReport.MismatchesMax) : mismatches;
        var report = new ReconciliationReport(clock.GetUtcNow(), block, escrowsChecked, payoutsChecked, kept);
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await escrows.RecordReconciliationAsync(report, fence, cancellationToken), $"Reconciliation at block {block}");
        return report;
    }

    private async Task<int> CheckEscrowsAsync(IEscrowChain chain, ulong block, List<ReconciliationMismatch> mismatches, CancellationToken cancellationToken)
    {
        var recorded = await escrows.ListEscrowsAsync(null, SubjectsPerReportMax, cancellationToken);
        var onChain = await chain.GetEscrowsAsync([.. recorded.Select(static e => e.Id)], block, cancellationToken);
        for (var i = 0; i < recorded.Count; i++)
        {
            var escrow = recorded[i];
            var chainState = onChain[i];
            var mirror = (await ledger.GetTransferAsync(EscrowLegs.MirrorId(escrow.Id), cancellationToken))?.Pending?.Status;
            if (!StateAgrees(escrow, chainState.State, block))
            {
                mismatches.Add(Escrow(escrow.Id, StateDiffers, $"Recorded {escrow.Status}; the contract says {chainState.State} at block {block}."));
            }
            else if (chainState.State != OnChainEscrowState.None && EscrowFields.Differs(escrow, chainState, chain.Token) is { } differs)
            {
                mismatches.Add(Escrow(escrow.Id, differs, $"The contract's record of the escrow at block {block} differs from ours ({differs})."));
            }

            if (!MirrorAgrees(escrow.Status, mirror))
            {
                mismatches.Add(Escrow(escrow.Id, MirrorDiffers, $"Recorded {escrow.Status}; its mirror in the ledger is {mirror?.ToString() ?? "absent"}."));
            }
        }

        return recorded.Count;
    }

    /// <summary>
    /// Reports the ids of our form (<see cref="Ledger.Core.Tokens.OnChainId"/>) that the contract's events
    /// name but no escrow of ours has: from the events since the last report, at most
    /// <see cref="IEscrowChain.EventBlocksPerQueryMax"/> blocks back (a longer gap, after a long outage,
    /// leaves the older blocks unread), together with those the last report named that are still unknown.
    /// Ids not of our form are not reported: a mismatch names an escrow by its ledger id.
    /// </summary>
    private async Task CheckUnknownEscrowsAsync(IEscrowChain chain, ulong block, List<ReconciliationMismatch> mismatches, CancellationToken cancellationToken)
    {
        var previous = await escrows.GetReconciliationAsync(cancellationToken);
        var named = new HashSet<UInt128>();
        foreach (var mismatch in previous?.Mismatches ?? [])
        {
            if (mismatch is { Kind: UnknownEscrow, Id: { } id })
            {
                named.Add(id);
            }
        }

        var from = previous is null ? chain.FirstBlock : previous.BlockNumber + 1;
        var oldest = block + 1 >= IEscrowChain.EventBlocksPerQueryMax ? block + 1 - IEscrowChain.EventBlocksPerQueryMax : 0;
        if (Math.Max(from, oldest) <= block)
        {
            foreach (var chainEvent in await chain.GetEventsAsync(Math.Max(from, oldest), block, cancellationToken))
            {
                if (chainEvent.EscrowId is { } id)
                {
                    named.Add(id);
                }
            }
        }

        foreach (var id in named.Order())
        {
            if (await escrows.GetEscrowAsync(id, cancellationToken) is null)
            {
                mismatches.Add(Escrow(id, UnknownEscrow, $"SettlementEscrow names escrow id {id}, which is not recorded."));
            }
        }
    }

    private async Task<int> CheckPayoutsAsync(IEscrowChain chain, List<ReconciliationMismatch> mismatches, CancellationToken cancellationToken)
    {
        var recorded = (await payouts.ListPayoutsAsync(null, SubjectsPerReportMax, cancellationToken)).Where(static p => p.Rail == PayoutRail.Erc20).ToList();
        var paid = await chain.ArePaidAsync([.. recorded.Select(static p => p.Id)], cancellationToken);
        var owed = BigInteger.Zero;
        for (var i = 0; i < recorded.Count; i++)
        {
            var payout = recorded[i];
            var hold = (await ledger.GetTransferAsync(payout.HoldTransferId, cancellationToken))?.Pending?.Status;
            var (paidWanted, holdAgrees) = payout.Status switch
            {
                PayoutStatus.Confirmed => ((bool?)true, hold == PendingStatus.Posted),
                PayoutStatus.Failed => (false, hold is null or PendingStatus.Voided),

                // Waiting or in flight: whether it is paid yet is the payout pipeline's to find out.
                _ => (null, hold is null or PendingStatus.Pending),
            };
            if (paidWanted is { } wanted && wanted != paid[i])
            {
                mismatches.Add(Payout(payout.Id, PaidDiffers, $"Recorded {payout.Status}; PayoutBatcher says {(paid[i] ? "paid" : "not paid")}."));
            }

            if (!holdAgrees)
            {
                mismatches.Add(Payout(payout.Id, HoldDiffers, $"Recorded {payout.Status}; its hold in the ledger is {hold?.ToString() ?? "absent"}."));
            }

            if (payout.Status is PayoutStatus.Pending or PayoutStatus.Submitted && hold == PendingStatus.Pending && !paid[i])
            {
                owed += payout.TokenAmount;
            }
        }

        if (owed > BigInteger.Zero && await chain.TreasuryBalanceAsync(cancellationToken) is var balance && balance < owed)
        {
            mismatches.Add(new ReconciliationMismatch(
                ReconciliationMismatch.TreasurySubject, null, TreasuryShort, $"The treasury holds {balance} token units; held payouts not paid yet come to {owed}."));
        }

        return recorded.Count;
    }

    /// <summary>Whether the contract's state at <paramref name="block"/> (the cursor) fits the recorded status, in-flight states included.</summary>
    private static bool StateAgrees(Escrow escrow, OnChainEscrowState chain, ulong block) => escrow.Status switch
    {
        EscrowStatus.Opening => chain is OnChainEscrowState.None or OnChainEscrowState.Open,
        EscrowStatus.Open or EscrowStatus.Releasing or EscrowStatus.Refunding =>
            chain == OnChainEscrowState.Open || (chain == OnChainEscrowState.None && escrow.OpenedBlock > block),
        EscrowStatus.Released => chain == OnChainEscrowState.Released || (chain == OnChainEscrowState.Open && escrow.ClosedBlock > block),
        EscrowStatus.Refunded => chain == OnChainEscrowState.Refunded || (chain == OnChainEscrowState.Open && escrow.ClosedBlock > block),
        _ => chain == OnChainEscrowState.None,
    };

    /// <summary>Whether the mirror's state fits the recorded status (an Opening escrow's mirror may not be committed yet).</summary>
    private static bool MirrorAgrees(EscrowStatus status, PendingStatus? mirror) => status switch
    {
        EscrowStatus.Opening => mirror is null or PendingStatus.Pending or PendingStatus.Voided,
        EscrowStatus.Open or EscrowStatus.Releasing or EscrowStatus.Refunding => mirror == PendingStatus.Pending,
        EscrowStatus.Released => mirror == PendingStatus.Posted,
        EscrowStatus.Refunded => mirror == PendingStatus.Voided,
        _ => mirror is null or PendingStatus.Voided,
    };

    private static ReconciliationMismatch Escrow(UInt128 id, string kind, string detail) => new(ReconciliationMismatch.EscrowSubject, id, kind, detail);

    private static ReconciliationMismatch Payout(UInt128 id, string kind, string detail) => new(ReconciliationMismatch.PayoutSubject, id, kind, detail);
}
