using Ledger.Core.Settlement;

namespace Ledger.Core.Escrows;

public enum EscrowCreation
{
    Created,

    /// <summary>An escrow with this id exists; nothing changed.</summary>
    Exists,
}

/// <summary>
/// Escrows, the chain event cursor that drives them, and the last reconciliation report, in the system of
/// record. Money moves in the ledger (the mirror, then its post or void, with ids derived from the escrow
/// id); what this store guarantees is that every status change is compare-and-set on the stored status,
/// and that every write the silo makes from the chain is fenced by the silo leader's lease
/// (<see cref="SettlementFence"/>), so a deposed leader changes nothing. The writes an API request makes
/// (record, fail an opening, ask for a release or refund) are compare-and-set only.
/// </summary>
public interface IEscrowStore
{
    /// <summary>
    /// Records an escrow at status Opening (<see cref="Escrow.ValidateNew"/> must hold); an existing id
    /// answers Exists with the stored one and changes nothing.
    /// </summary>
    ValueTask<(EscrowCreation Result, Escrow Escrow)> TryAddEscrowAsync(Escrow escrow, CancellationToken cancellationToken);

    ValueTask<Escrow?> GetEscrowAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>Escrows with work ahead (Opening, Open, Releasing, Refunding), oldest first: what the silo sweeps.</summary>
    ValueTask<IReadOnlyList<Escrow>> ListActiveEscrowsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Every escrow, or those of one participant (the owner of the escrow's account), newest first.</summary>
    ValueTask<IReadOnlyList<Escrow>> ListEscrowsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Opening with no transaction recorded → Failed with the reason (the ledger refused the mirror, so
    /// nothing is held and the open must never be sent). Not fenced: the request that recorded the escrow
    /// calls it. False, nothing changed, for any other state, including an Opening whose open is signed.
    /// </summary>
    ValueTask<bool> TryFailOpeningAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Open → <paramref name="to"/>, which must be Releasing or Refunding (throws otherwise): a release or
    /// refund is asked for. The transaction fields and the failure reason (of a reverted step) are cleared
    /// and the attempts start again from zero for the new step. Not fenced. False, nothing changed, when
    /// the escrow is not Open.
    /// </summary>
    ValueTask<bool> TryRequestActionAsync(UInt128 id, EscrowStatus to, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records the signed transaction of the current step before it is sent: the status must be
    /// <paramref name="expected"/> and the stored transaction hash <paramref name="replacedTxHash"/> (null:
    /// none yet; a hash: this one is replaced, its nonce was taken). Sets the kind, hash, raw bytes and
    /// nonce; attempts + 1. <paramref name="kind"/> must be the one <paramref name="expected"/> sends
    /// (<see cref="EscrowTransitions.TxKindOf"/>; throws otherwise). Conflict when the stored state differs.
    /// </summary>
    ValueTask<SettlementWrite> RecordEscrowTxAsync(
        UInt128 id, EscrowStatus expected, EscrowTxKind kind, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set <paramref name="from"/> → <paramref name="to"/> as the chain decided, with what the
    /// move carries (<see cref="EscrowTransitions.Validate"/>; throws for a move outside the table):
    /// Opening → Open sets the opened block; → Released or Refunded set the closed block and transaction;
    /// → Failed sets the reason; Releasing or Refunding → Open (a reverted release or refund) sets the reason
    /// and clears the transaction fields. The failure reason is replaced by each move (null when it carries
    /// none). Conflict when the stored status is not <paramref name="from"/>.
    /// </summary>
    ValueTask<SettlementWrite> TryAdvanceEscrowAsync(
        UInt128 id, EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>The last block whose escrow events were applied; null before the first.</summary>
    ValueTask<ulong?> GetEscrowCursorAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set of the escrow event cursor: from <paramref name="expected"/> (null: never set) to
    /// <paramref name="next"/>. Conflict when the stored cursor is not <paramref name="expected"/>.
    /// </summary>
    ValueTask<SettlementWrite> TrySetEscrowCursorAsync(ulong? expected, ulong next, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the last reconciliation report with <paramref name="report"/> (<see cref="ReconciliationReport.Validate"/>
    /// must hold), in one transaction: a reader sees the old report or the new one, never a mix.
    /// </summary>
    ValueTask<SettlementWrite> RecordReconciliationAsync(ReconciliationReport report, SettlementFence fence, CancellationToken cancellationToken);

    /// <summary>The last reconciliation report, its mismatches in the order they were recorded; null before the first.</summary>
    ValueTask<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken);
}
