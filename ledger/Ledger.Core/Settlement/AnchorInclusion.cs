namespace Ledger.Core.Settlement;

/// <summary>
/// The block an anchor transaction was seen in, and the sequence number the contract gave the head
/// (its <c>Anchored</c> event). <see cref="TxHash"/> is the transaction that anchored the head; it may
/// differ from the recorded one when the head was found already on chain.
/// </summary>
public sealed record AnchorInclusion(byte[] TxHash, ulong BlockNumber, byte[] BlockHash, ulong ChainSeq);
