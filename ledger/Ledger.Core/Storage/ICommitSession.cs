using Ledger.Core.Domain;
using Ledger.Core.Merkle;

namespace Ledger.Core.Storage;

/// <summary>
/// The one open write transaction. A store hands out at most one session at a time per database (a
/// process lock, a database lock, or both), so commits form one total order. Disposing a session that
/// was not committed rolls it back.
/// </summary>
public interface ICommitSession : IAsyncDisposable
{
    /// <summary>The head as of the start of this transaction.</summary>
    LedgerHead Head { get; }

    /// <summary>Adds to <paramref name="into"/> every account among <paramref name="ids"/> that exists.</summary>
    ValueTask LoadAccountsAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Account> into, CancellationToken cancellationToken);

    /// <summary>Adds to <paramref name="into"/> every transfer among <paramref name="ids"/> that exists.</summary>
    ValueTask LoadTransfersAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Transfer> into, CancellationToken cancellationToken);

    /// <summary>Adds the state of every pending transfer among <paramref name="ids"/>.</summary>
    ValueTask LoadPendingAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, PendingState> into, CancellationToken cancellationToken);

    /// <summary>Pending transfers still pending whose expiry is at or before <paramref name="now"/>, oldest expiry first.</summary>
    ValueTask<IReadOnlyList<PendingState>> LoadExpiredPendingAsync(ulong now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The right edge of the log's tree of <paramref name="size"/> leaves: the perfect subtrees of
    /// <see cref="MerkleFrontier.Keys"/>, in that order, with their hashes (level 0 being a leaf hash).
    /// </summary>
    ValueTask<IReadOnlyList<MerkleNode>> LoadMerkleFrontierAsync(ulong size, CancellationToken cancellationToken);

    /// <summary>Writes the batch and commits the transaction durably.</summary>
    ValueTask CommitAsync(CommitBatch batch, CancellationToken cancellationToken);
}
