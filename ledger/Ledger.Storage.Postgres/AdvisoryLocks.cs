namespace Ledger.Storage.Postgres;

/// <summary>
/// The keys of the transaction-level advisory locks the store takes. They are fixed, distinct, and
/// specific to this schema, so every node of a cluster (and nothing else) contends for the same ones.
/// </summary>
internal static class AdvisoryLocks
{
    /// <summary>Held by a commit session from before its first read until it commits or rolls back: one total commit order.</summary>
    public const long Commit = 0x4C45_4447_0000_0001;

    /// <summary>Held while the schema is checked and migrated, so two nodes starting at once migrate once.</summary>
    public const long Migrations = 0x4C45_4447_0000_0002;
}
