namespace Ledger.Core.Payouts;

/// <summary>
/// A batch's transaction on chain: <c>open</c> (payouts gathered, not signed yet) → <c>signed</c> (the
/// signed transaction is recorded, before it is sent; after a crash the same bytes are sent again) →
/// <c>included</c> (in a block) → <c>final</c> (the confirmation depth deep), or <c>failed</c> (reverted,
/// or dropped past its retries).
/// </summary>
public enum PayoutBatchStatus : byte
{
    Open = 0,
    Signed = 1,
    Included = 2,
    Final = 3,
    Failed = 4,
}

/// <summary>
/// A batch of payouts paid by one <c>PayoutBatcher.pay</c> transaction. The transaction fields are set
/// from Signed on; the block fields while Included or Final. <see cref="Epoch"/> is the silo leader epoch
/// of the last write (every write is fenced like the settlement writes).
/// </summary>
public sealed record PayoutBatch(
    ulong Seq,
    IReadOnlyList<UInt128> PayoutIds,
    PayoutBatchStatus Status,
    byte[]? TxHash,
    byte[]? RawTx,
    ulong? Nonce,
    ulong? BlockNumber,
    byte[]? BlockHash,
    string? FailureReason,
    int Attempts,
    long Epoch,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>PayoutBatcher pays at most this many in one transaction.</summary>
    public const int PayoutsMax = 256;
}

/// <summary>An address the operator refuses to pay (sanctions lists, by file or by API).</summary>
public sealed record DeniedAddress(byte[] Address, string Reason, string Source, DateTimeOffset AddedAt);
