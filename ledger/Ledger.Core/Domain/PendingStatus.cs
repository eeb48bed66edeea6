namespace Ledger.Core.Domain;

/// <summary>The life of a pending transfer: it is pending until it is posted, voided, or expires.</summary>
public enum PendingStatus : byte
{
    Pending = 1,
    Posted = 2,
    Voided = 3,
    Expired = 4,
}

/// <summary>The mutable state kept beside an immutable pending transfer.</summary>
/// <param name="Id">The pending transfer's id.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="ExpiresAt">Nanoseconds since the epoch after which it expires; 0 for never.</param>
/// <param name="ResolvedAt">When it was posted, voided or expired; 0 while pending.</param>
public readonly record struct PendingState(UInt128 Id, PendingStatus Status, ulong ExpiresAt, ulong ResolvedAt)
{
    /// <summary>
    /// The status as of <paramref name="nanoseconds"/>: a hold past its expiry is expired from that
    /// instant (posting or voiding it fails), even before the expiry pulse has released it.
    /// </summary>
    public PendingStatus StatusAt(ulong nanoseconds) =>
        Status == PendingStatus.Pending && ExpiresAt != 0 && nanoseconds >= ExpiresAt ? PendingStatus.Expired : Status;
}
