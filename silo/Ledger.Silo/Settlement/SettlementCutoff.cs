using Ledger.Core.Merkle;
using Ledger.Core.Settlement;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;

namespace Ledger.Silo.Settlement;

/// <summary>
/// The cutoff: closes the next settlement batch while the log has grown past the last batch's tree size.
/// A batch's root is the Merkle tree head at its tree size, its net positions are computed from its
/// transfers page by page, and the store accepts it only as the next in line under the leader's fence.
/// </summary>
public sealed class SettlementCutoff(ILedgerStore ledger, ISettlementStore settlements, MerkleLog merkle, TimeProvider clock, SettlementOptions options)
{
    /// <summary>Closes up to <see cref="SettlementOptions.SettlementsPerRoundMax"/> batches; returns how many.</summary>
    public async Task<int> CloseDueAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        var closed = 0;
        while (closed < options.SettlementsPerRoundMax)
        {
            var head = await ledger.GetHeadAsync(cancellationToken);
            var last = await settlements.GetLastSettlementAsync(cancellationToken);
            var first = last?.TreeSize ?? 0;
            if (head.LogSize < first)
            {
                throw new LedgerInvariantException($"The log holds {head.LogSize} transfers but settlement {last!.Seq} covers {first}: the log shrank.");
            }

            if (head.LogSize == first)
            {
                break;
            }

            var treeSize = first + Math.Min(head.LogSize - first, options.TransfersPerSettlementMax);
            var draft = await DraftAsync((last?.Seq ?? 0) + 1, first, treeSize, cancellationToken);
            SettlementWriteRefusedException.ThrowUnlessApplied(
                await settlements.TryCloseSettlementAsync(draft, fence, cancellationToken), $"Closing settlement {draft.Seq}");
            closed++;
        }

        return closed;
    }

    /// <summary>The batch over [<paramref name="first"/>, <paramref name="treeSize"/>): its root and net positions.</summary>
    public async Task<SettlementDraft> DraftAsync(ulong seq, ulong first, ulong treeSize, CancellationToken cancellationToken)
    {
        var book = new NetPositionBook(first);
        while (book.NextLogIndex < treeSize)
        {
            var page = await settlements.GetOwnedTransfersAsync(book.NextLogIndex, treeSize, SettlementLimits.OwnedTransfersPageMax, cancellationToken);
            if (page.Count == 0)
            {
                throw new LedgerInvariantException($"The log has no transfer (or no owners for it) at index {book.NextLogIndex}, below its size {treeSize}.");
            }

            foreach (var transfer in page)
            {
                book.Add(transfer);
            }
        }

        var root = await merkle.GetTreeHeadAsync(treeSize, cancellationToken);
        var draft = new SettlementDraft(seq, first, treeSize, root, clock.GetUtcNow(), book.Positions());
        draft.Validate();
        return draft;
    }
}
