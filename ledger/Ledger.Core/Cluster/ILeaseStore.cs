namespace Ledger.Core.Cluster;

/// <summary>
/// A named lease held by one holder at a time, kept in the system of record so that every node of a
/// cluster sees the same one. Expiry is judged by the database's clock, never by a node's.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease for <paramref name="holder"/> until <paramref name="duration"/> from now, when it
    /// is free, expired, or already held by <paramref name="holder"/> (then this renews it). Returns the
    /// grant, or null when another holder's lease is still running (nothing changes then). The epoch
    /// grows by one each time the lease passes to a holder after being free, expired or held by someone
    /// else; a renewal keeps it. The epoch is the fencing token of whatever the holder writes.
    /// </summary>
    ValueTask<LeaseGrant?> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Ends the lease now if <paramref name="holder"/> holds it, so a standby may take it at once.</summary>
    ValueTask ReleaseAsync(string name, string holder, CancellationToken cancellationToken);

    /// <summary>The lease as last granted (possibly expired), or null when it was never taken.</summary>
    ValueTask<LeaseGrant?> GetLeaseAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// One grant of a lease. <see cref="ExpiresAt"/> is the database's time when it lapses unless renewed;
/// <see cref="Expired"/> says whether it had lapsed when it was read.
/// </summary>
public sealed record LeaseGrant(string Name, string Holder, long Epoch, DateTimeOffset ExpiresAt, bool Expired);
