using Ledger.Core.Escrows;
using Ledger.Core.Settlement;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>The escrow store's calls, failing like the rest while <see cref="FaultyStore.Failing"/> is set.</summary>
public sealed partial class FaultyStore
{
    private IEscrowStore Escrows => (IEscrowStore)inner;

    public ValueTask<(EscrowCreation Result, Escrow Escrow)> TryAddEscrowAsync(Escrow escrow, CancellationToken cancellationToken) { Check(); return Escrows.TryAddEscrowAsync(escrow, cancellationToken); }

    public ValueTask<Escrow?> GetEscrowAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return Escrows.GetEscrowAsync(id, cancellationToken); }

    public ValueTask<IReadOnlyList<Escrow>> ListActiveEscrowsAsync(int limit, CancellationToken cancellationToken) { Check(); return Escrows.ListActiveEscrowsAsync(limit, cancellationToken); }

    public ValueTask<IReadOnlyList<Escrow>> ListEscrowsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken) { Check(); return Escrows.ListEscrowsAsync(participantId, limit, cancellationToken); }

    public ValueTask<bool> TryFailOpeningAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken) { Check(); return Escrows.TryFailOpeningAsync(id, reason, at, cancellationToken); }

    public ValueTask<bool> TryRequestActionAsync(UInt128 id, EscrowStatus to, DateTimeOffset at, CancellationToken cancellationToken) { Check(); return Escrows.TryRequestActionAsync(id, to, at, cancellationToken); }

    public ValueTask<SettlementWrite> RecordEscrowTxAsync(
        UInt128 id, EscrowStatus expected, EscrowTxKind kind, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        Check();
        return Escrows.RecordEscrowTxAsync(id, expected, kind, replacedTxHash, transaction, at, fence, cancellationToken);
    }

    public ValueTask<SettlementWrite> TryAdvanceEscrowAsync(
        UInt128 id, EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        Check();
        return Escrows.TryAdvanceEscrowAsync(id, from, to, reason, block, txHash, at, fence, cancellationToken);
    }

    public ValueTask<ulong?> GetEscrowCursorAsync(CancellationToken cancellationToken) { Check(); return Escrows.GetEscrowCursorAsync(cancellationToken); }

    public ValueTask<SettlementWrite> TrySetEscrowCursorAsync(ulong? expected, ulong next, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Escrows.TrySetEscrowCursorAsync(expected, next, fence, cancellationToken); }

    public ValueTask<SettlementWrite> RecordReconciliationAsync(ReconciliationReport report, SettlementFence fence, CancellationToken cancellationToken) { Check(); return Escrows.RecordReconciliationAsync(report, fence, cancellationToken); }

    public ValueTask<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken) { Check(); return Escrows.GetReconciliationAsync(cancellationToken); }
}
