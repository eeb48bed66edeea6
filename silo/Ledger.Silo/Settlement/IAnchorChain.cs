using Ledger.Core.Settlement;

namespace Ledger.Silo.Settlement;

/// <summary>
/// The chain as the settlement pipeline needs it: the SettlementAnchor contract's latest head, signing an
/// anchor (recorded by the caller before it is sent), sending a recorded one again, and where a sent one
/// stands. Implemented over Ledger.Chain by <see cref="ChainAnchorClient"/>.
/// </summary>
public interface IAnchorChain
{
    /// <summary>The contract's latest anchored head (seq 0, size 0 before the first).</summary>
    Task<AnchorChainHead> GetLatestAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Signs <c>anchor(treeSize, root, proof)</c>, awaits <paramref name="recordAsync"/> with it, then
    /// sends it. A call the contract would refuse throws <see cref="AnchorRefusedException"/> before anything
    /// is signed. If <paramref name="recordAsync"/> throws, nothing is sent.
    /// </summary>
    Task<SignedAnchor> SubmitAsync(
        ulong treeSize, byte[] root, IReadOnlyList<byte[]> consistencyProof, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken);

    /// <summary>Sends recorded raw bytes again: the same transaction, included at most once.</summary>
    Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken);

    /// <summary>Where the recorded anchor transaction stands (its block, when one was recorded, is checked for a reorganisation).</summary>
    Task<AnchorCheck> CheckAsync(AnchorState anchor, CancellationToken cancellationToken);

    /// <summary>The transaction and block that anchored exactly this head, if the contract holds it; otherwise null.</summary>
    Task<AnchorInclusion?> FindAnchorAsync(ulong treeSize, byte[] root, CancellationToken cancellationToken);
}

/// <summary>The chain the pipeline should use now, or null while the node has none (batches still close).</summary>
public interface IAnchorChainSource
{
    IAnchorChain? Current { get; }
}

/// <summary>The source of a node without a chain.</summary>
public sealed class NoAnchorChain : IAnchorChainSource
{
    public IAnchorChain? Current => null;
}

/// <summary>SettlementAnchor.latest().</summary>
public sealed record AnchorChainHead(ulong ChainSeq, ulong TreeSize, byte[] Root);
