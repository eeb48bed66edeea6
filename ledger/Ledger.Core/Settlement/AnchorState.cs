namespace Ledger.Core.Settlement;

/// <summary>
/// A settlement's anchor as stored. <see cref="TxHash"/>, <see cref="RawTx"/> and <see cref="Nonce"/>
/// are set from <see cref="AnchorStatus.Submitted"/> on; <see cref="BlockNumber"/>,
/// <see cref="BlockHash"/> and <see cref="ChainSeq"/> only while anchored or final.
/// <see cref="Epoch"/> is the leader epoch of the last write.
/// </summary>
public sealed record AnchorState(
    AnchorStatus Status,
    byte[]? TxHash,
    byte[]? RawTx,
    ulong? Nonce,
    ulong? BlockNumber,
    byte[]? BlockHash,
    ulong? ChainSeq,
    long Epoch)
{
    /// <summary>Whether the head is in a block (anchored or final).</summary>
    public bool IsOnChain => Status is AnchorStatus.Anchored or AnchorStatus.Final;
}
