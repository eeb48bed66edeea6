using Ledger.Core.Cluster;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Escrows;

/// <summary>
/// Applies SettlementEscrow's final events to the escrows they name, in chain order, from the stored
/// cursor on: Opened moves an Opening escrow to Open; Released posts the mirror, then records Released;
/// Refunded voids the mirror, then records Refunded. The chain wins: a release or refund sent by anyone
/// (the arbiter by hand, anyone after the deadline) is applied as well as our own. An event is applied
/// only when its fields agree with the record; one that disagrees is left alone for the reconciler to
/// report. The ledger moves before the record, so a crash in between is finished by the next round
/// (posting or voiding again finds it done), and the cursor moves last, so an interrupted window is read
/// again. Events of ids we do not know are passed over.
/// </summary>
internal sealed partial class EscrowEventSync(
    IEscrowStore store, EscrowProcessor processor, ILeaseStore leases, EscrowOptions options, EscrowMetrics metrics, TimeProvider clock, ILogger logger)
{
    /// <summary>The most event windows (of <see cref="IEscrowChain.EventBlocksPerQueryMax"/> blocks each) read in one round while catching up.</summary>
    public const int WindowsPerRoundMax = 8;

    /// <summary>Reads and applies the final events past the cursor, a window at a time, and moves the cursor after each.</summary>
    public async Task SyncAsync(IEscrowChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        for (var window = 0; window < WindowsPerRoundMax; window++)
        {
            var cursor = await store.GetEscrowCursorAsync(cancellationToken);
            var head = await chain.HeadAsync(cancellationToken);
            var confirmations = (ulong)chain.Confirmations;
            if (head + 1 < confirmations)
            {
                return;
            }

            var final = head + 1 - confirmations;
            var from = cursor is { } last ? last + 1 : chain.FirstBlock;
            if (from > final)
            {
                return;
            }

            var to = Math.Min(final, from + IEscrowChain.EventBlocksPerQueryMax - 1);
            foreach (var chainEvent in await chain.GetEventsAsync(from, to, cancellationToken))
            {
                await ApplyAsync(chain, chainEvent, fence, cancellationToken);
            }

            SettlementWriteRefusedException.ThrowUnlessApplied(
                await store.TrySetEscrowCursorAsync(cursor, to, fence, cancellationToken), $"Escrow event cursor {cursor} → {to}");
            if (to == final)
            {
                return;
            }
        }
    }

    /// <summary>Applies the events of the escrow's recorded transaction, final in <paramref name="block"/>, without waiting for the cursor to get there.</summary>
    public async Task ApplyTransactionAsync(IEscrowChain chain, Escrow escrow, ulong block, SettlementFence fence, CancellationToken cancellationToken)
    {
        var txHash = escrow.TxHash ?? throw new ArgumentException($"Escrow {escrow.Id} has no transaction.", nameof(escrow));
        var found = false;
        foreach (var chainEvent in await chain.GetEventsAsync(block, block, cancellationToken))
        {
            if (chainEvent.EscrowId == escrow.Id && chainEvent.TxHash.AsSpan().SequenceEqual(txHash))
            {
                found = true;
                await ApplyAsync(chain, chainEvent, fence, cancellationToken);
            }
        }

        if (!found)
        {
            LogNoEventInTransaction(logger, escrow.Id, Convert.ToHexString(txHash), block);
        }
    }

    private async Task ApplyAsync(IEscrowChain chain, EscrowChainEvent chainEvent, SettlementFence fence, CancellationToken cancellationToken)
    {
        if (chainEvent.EscrowId is not { } id || await store.GetEscrowAsync(id, cancellationToken) is not { } escrow)
        {
            return;
        }

        var fits = chainEvent.Kind == EscrowEventKind.Opened
            ? escrow.Status == EscrowStatus.Opening
            : escrow.Status is EscrowStatus.Open or EscrowStatus.Releasing or EscrowStatus.Refunding;
        if (!fits)
        {
            // Applied before (by the transaction's check, or a window read again), or an event after one
            // that was left alone: nothing to do here; the reconciler reports what stays wrong.
            LogNotApplicable(logger, chainEvent.Kind, id, escrow.Status, chainEvent.Block);
            return;
        }

        if (EscrowFields.Differs(escrow, chainEvent, chain.Token) is { } differs)
        {
            metrics.EventNotApplied();
            LogFieldsDiffer(logger, chainEvent.Kind, id, differs, chainEvent.Block);
            return;
        }

        if (chainEvent.Kind == EscrowEventKind.Opened)
        {
            await AdvanceAsync(escrow, EscrowStatus.Open, chainEvent.Block, txHash: null, fence, cancellationToken);
            metrics.Opened();
            LogOpened(logger, id, chainEvent.Block);
            return;
        }

        var released = chainEvent.Kind == EscrowEventKind.Released;
        options.CrashHook?.Invoke(EscrowCrashPoint.BeforeResolve);
        await LeaseCheck.EnsureHeldAsync(leases, fence, "Escrows", cancellationToken);
        await processor.ResolveMirrorAsync(escrow, post: released, cancellationToken);
        await AdvanceAsync(escrow, released ? EscrowStatus.Released : EscrowStatus.Refunded, chainEvent.Block, chainEvent.TxHash, fence, cancellationToken);
        if (released)
        {
            metrics.Released();
        }
        else
        {
            metrics.Refunded();
        }

        LogClosed(logger, id, released ? EscrowStatus.Released : EscrowStatus.Refunded, chainEvent.Block);
    }

    private async Task AdvanceAsync(Escrow escrow, EscrowStatus to, ulong block, byte[]? txHash, SettlementFence fence, CancellationToken cancellationToken) =>
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await store.TryAdvanceEscrowAsync(escrow.Id, escrow.Status, to, null, block, txHash, clock.GetUtcNow(), fence, cancellationToken),
            $"Escrow {escrow.Id} {escrow.Status} → {to}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Escrow {EscrowId} is open on chain (block {Block}).")]
    private static partial void LogOpened(ILogger logger, UInt128 escrowId, ulong block);

    [LoggerMessage(Level = LogLevel.Information, Message = "Escrow {EscrowId} is {Status} on chain (block {Block}); its mirror is resolved.")]
    private static partial void LogClosed(ILogger logger, UInt128 escrowId, EscrowStatus status, ulong block);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} of escrow {EscrowId} in block {Block} does not apply to it while {Status}.")]
    private static partial void LogNotApplicable(ILogger logger, EscrowEventKind kind, UInt128 escrowId, EscrowStatus status, ulong block);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} of escrow {EscrowId} in block {Block} disagrees with the record ({Differs}); it is not applied. Operator attention needed.")]
    private static partial void LogFieldsDiffer(ILogger logger, EscrowEventKind kind, UInt128 escrowId, string differs, ulong block);

    [LoggerMessage(Level = LogLevel.Error, Message = "Escrow {EscrowId}: its transaction {TxHash} is final in block {Block} but emitted no event of it.")]
    private static partial void LogNoEventInTransaction(ILogger logger, UInt128 escrowId, string txHash, ulong block);
}
