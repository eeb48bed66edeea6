using Ledger.Core.Domain;
using Ledger.Core.Merkle;

namespace Ledger.Core.Storage;

/// <summary>
/// Everything one commit writes, in one database transaction. Produced by the state machine, written by
/// a store. Transfers are in log order, their log indexes running from <see cref="PreviousHead"/>'s
/// log size.
/// </summary>
public sealed class CommitBatch
{
    public required LedgerHead PreviousHead { get; init; }
    public required LedgerHead NewHead { get; init; }
    public required IReadOnlyList<Account> AccountsCreated { get; init; }
    public required IReadOnlyList<Account> AccountsUpdated { get; init; }
    public required IReadOnlyList<Transfer> TransfersCreated { get; init; }
    public required IReadOnlyList<PendingState> PendingCreated { get; init; }
    public required IReadOnlyList<PendingState> PendingUpdated { get; init; }
    public required IReadOnlyList<AccountBalance> BalancesRecorded { get; init; }

    /// <summary>
    /// The Merkle nodes of level 1 and above that <see cref="TransfersCreated"/> complete, appended to the
    /// tree of <see cref="PreviousHead"/>'s log size (see <see cref="MerkleFrontier"/>).
    /// </summary>
    public IReadOnlyList<MerkleNode> MerkleNodes { get; init; } = [];

    /// <summary>This batch with <paramref name="nodes"/> as its Merkle nodes.</summary>
    public CommitBatch WithMerkleNodes(IReadOnlyList<MerkleNode> nodes) => new()
    {
        PreviousHead = PreviousHead,
        NewHead = NewHead,
        AccountsCreated = AccountsCreated,
        AccountsUpdated = AccountsUpdated,
        TransfersCreated = TransfersCreated,
        PendingCreated = PendingCreated,
        PendingUpdated = PendingUpdated,
        BalancesRecorded = BalancesRecorded,
        MerkleNodes = nodes,
    };

    public bool IsEmpty =>
        AccountsCreated.Count == 0 && AccountsUpdated.Count == 0 && TransfersCreated.Count == 0 &&
        PendingCreated.Count == 0 && PendingUpdated.Count == 0;
}
