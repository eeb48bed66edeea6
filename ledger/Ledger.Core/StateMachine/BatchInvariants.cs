using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;

namespace Ledger.Core.StateMachine;

/// <summary>
/// Checks, on every batch and in production, that the books still balance and the log only grows.
/// A failure is a bug: it throws <see cref="LedgerInvariantException"/> and the batch is not written.
/// </summary>
internal static class BatchInvariants
{
    public static void Assert(WorkingSet set, CommitBatch batch, HashSet<UInt128> created)
    {
        // Per ledger, the change in total debits must equal the change in total credits, for pending and
        // for posted balances alike. The sums are taken modulo 2^128 (unchecked on purpose): equal true
        // sums give equal sums modulo 2^128, and any single-sided change shows as a difference.
        var deltas = new Dictionary<uint, (UInt128 DebitsPending, UInt128 DebitsPosted, UInt128 CreditsPending, UInt128 CreditsPosted)>();
        foreach (var (id, now) in set.Accounts)
        {
            // Every account in the set was either loaded (its original is known) or created by this
            // batch (it started from zero balances).
            var before = set.OriginalAccounts.TryGetValue(id, out var original) ? original : default;
            if (!created.Contains(id) && !set.OriginalAccounts.ContainsKey(id))
            {
                throw new LedgerInvariantException($"Account {id} is in the batch but was neither loaded nor created.");
            }

            if (now.DebitsPending == before.DebitsPending && now.DebitsPosted == before.DebitsPosted &&
                now.CreditsPending == before.CreditsPending && now.CreditsPosted == before.CreditsPosted)
            {
                continue;
            }

            deltas.TryGetValue(now.Ledger, out var d);
            unchecked
            {
                d.DebitsPending += now.DebitsPending - before.DebitsPending;
                d.DebitsPosted += now.DebitsPosted - before.DebitsPosted;
                d.CreditsPending += now.CreditsPending - before.CreditsPending;
                d.CreditsPosted += now.CreditsPosted - before.CreditsPosted;
            }

            deltas[now.Ledger] = d;
        }

        foreach (var (ledger, d) in deltas)
        {
            if (d.DebitsPending != d.CreditsPending || d.DebitsPosted != d.CreditsPosted)
            {
                throw new LedgerInvariantException($"Ledger {ledger}: a batch changed debits and credits by different amounts.");
            }
        }

        if (batch.NewHead.LogSize != batch.PreviousHead.LogSize + (ulong)batch.TransfersCreated.Count ||
            batch.NewHead.LastTimestamp < batch.PreviousHead.LastTimestamp)
        {
            throw new LedgerInvariantException("The log head moved backwards or skipped.");
        }

        var previous = batch.PreviousHead.LastTimestamp;
        foreach (var t in batch.TransfersCreated)
        {
            if (t.Timestamp <= previous || t.Timestamp > batch.NewHead.LastTimestamp)
            {
                throw new LedgerInvariantException($"Transfer {t.Id} breaks the strictly increasing timestamp order.");
            }

            previous = t.Timestamp;
        }
    }

    /// <summary>
    /// The tree grows with the log and nothing else: the extension covers exactly the new log size, its
    /// right edge is that size's, and it completes exactly the nodes between the two sizes (each once).
    /// </summary>
    public static void AssertLogExtension(CommitBatch batch, MerkleExtension extension)
    {
        if (extension.Size != batch.NewHead.LogSize)
        {
            throw new LedgerInvariantException($"The Merkle tree was extended to {extension.Size} leaves, the log to {batch.NewHead.LogSize}.");
        }

        var edge = MerkleFrontier.Keys(extension.Size);
        if (edge.Count != extension.Frontier.Count || !edge.SequenceEqual(extension.Frontier.Select(n => (n.Level, n.Index))))
        {
            throw new LedgerInvariantException($"The Merkle tree's right edge does not match a tree of {extension.Size} leaves.");
        }

        var expected = MerkleSubtrees.CompleteNodes(batch.NewHead.LogSize) - MerkleSubtrees.CompleteNodes(batch.PreviousHead.LogSize);
        if ((ulong)extension.NewNodes.Count != expected)
        {
            throw new LedgerInvariantException($"{extension.NewNodes.Count} Merkle nodes were completed where {expected} were due.");
        }

        foreach (var node in extension.NewNodes)
        {
            // A node completed now ends past the old size and at or before the new one.
            var end = (node.Index + 1) << node.Level;
            if (node.Level < 1 || end <= batch.PreviousHead.LogSize || end > batch.NewHead.LogSize)
            {
                throw new LedgerInvariantException($"Merkle node ({node.Level}, {node.Index}) is not one the batch completes.");
            }
        }
    }
}
