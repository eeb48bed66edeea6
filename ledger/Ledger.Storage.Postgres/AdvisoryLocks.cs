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

    /// <summary>
    /// The first key of the two-key locks that serialise a participant's payment creations (and changes to
    /// its risk profile); the second is <see cref="ParticipantKey"/>. PostgreSQL keeps two-key locks apart
    /// from one-key locks, so these never contend with <see cref="Commit"/> or <see cref="Migrations"/>.
    /// </summary>
    public const int Participant = 0x4C50_4159;

    /// <summary>
    /// The first key of the two-key lock (second key 0) that serialises payout batch openings, so two
    /// openings never pick the same seq nor deadlock on overlapping payouts. ('LPOU'.)
    /// </summary>
    public const int PayoutBatchOpen = 0x4C50_4F55;

    /// <summary>
    /// The participant's id folded to 32 bits (XOR of its four words): the same on every node. Two
    /// participants sharing a key only wait for each other; they are never mixed up.
    /// </summary>
    public static int ParticipantKey(UInt128 participantId) =>
        unchecked((int)((uint)participantId ^ (uint)(participantId >> 32) ^ (uint)(participantId >> 64) ^ (uint)(participantId >> 96)));
}
