namespace Ledger.Core.Escrows;

/// <summary>
/// One difference the reconciler found between the chain and the system of record. <see cref="Subject"/>
/// is <c>escrow</c>, <c>payout</c> or <c>treasury</c>; <see cref="Id"/> the escrow's or payout's id (none for
/// the treasury); <see cref="Kind"/> a snake_case name (<c>state_differs</c>, <c>amount_differs</c>, ...);
/// <see cref="Detail"/> a sentence for a person.
/// </summary>
public sealed record ReconciliationMismatch(string Subject, UInt128? Id, string Kind, string Detail)
{
    public const string EscrowSubject = "escrow";

    public const string PayoutSubject = "payout";

    public const string TreasurySubject = "treasury";
}

/// <summary>
/// The last reconciliation of escrows, payouts and the treasury against the chain as of
/// <see cref="BlockNumber"/>. A store keeps only the latest report; recording one replaces the previous.
/// </summary>
public sealed record ReconciliationReport(
    DateTimeOffset CheckedAt,
    ulong BlockNumber,
    int EscrowsChecked,
    int PayoutsChecked,
    IReadOnlyList<ReconciliationMismatch> Mismatches)
{
    /// <summary>The most mismatches one report keeps; a reconciler that finds more reports the first ones.</summary>
    public const int MismatchesMax = 1000;

    /// <summary>
    /// Throws for a report no store may record: counts not negative, a block a signed 64-bit column keeps,
    /// at most <see cref="MismatchesMax"/> mismatches, each with a known subject, an id exactly when the
    /// subject is an escrow or a payout, a snake_case kind and a detail.
    /// </summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(EscrowsChecked);
        ArgumentOutOfRangeException.ThrowIfNegative(PayoutsChecked);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockNumber, (ulong)long.MaxValue);
        ArgumentNullException.ThrowIfNull(Mismatches);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Mismatches.Count, MismatchesMax);
        foreach (var mismatch in Mismatches)
        {
            ArgumentNullException.ThrowIfNull(mismatch);
            ArgumentNullException.ThrowIfNull(mismatch.Detail);
            var identified = mismatch.Subject switch
            {
                ReconciliationMismatch.EscrowSubject or ReconciliationMismatch.PayoutSubject => true,
                ReconciliationMismatch.TreasurySubject => false,
                _ => throw new ArgumentException($"Unknown reconciliation subject '{mismatch.Subject}'."),
            };
            if (identified != mismatch.Id.HasValue)
            {
                throw new ArgumentException($"A {mismatch.Subject} mismatch {(identified ? "names" : "names no")} id.");
            }

            if (!IsSnakeCase(mismatch.Kind))
            {
                throw new ArgumentException($"A mismatch kind is snake_case, not '{mismatch.Kind}'.");
            }
        }
    }

    /// <summary>A lower-case letter, then lower-case letters, digits and single underscores, not ending in one.</summary>
    public static bool IsSnakeCase(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] is < 'a' or > 'z' || name[^1] == '_')
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            var c = name[i];
            var allowed = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (c == '_' && name[i - 1] != '_');
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }
}
