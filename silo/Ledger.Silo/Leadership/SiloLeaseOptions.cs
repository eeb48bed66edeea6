namespace Ledger.Silo.Leadership;

/// <summary>How the silo's leader lease is taken and kept.</summary>
public sealed class SiloLeaseOptions
{
    /// <summary>The one lease every silo of a cluster competes for.</summary>
    public const string LeaseName = "silo";

    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a grant lasts without renewal: the longest a dead leader blocks its standby. The leader
    /// renews three times per duration and steps down on its own before the grant lapses.
    /// </summary>
    public TimeSpan Duration { get; set; } = DefaultDuration;

    /// <summary>This process's name in the lease table: host, process id and a random suffix.</summary>
    public string Holder { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How often the lease is renewed (by the leader) or tried (by a standby).</summary>
    public TimeSpan RenewInterval => Duration / 3;

    /// <summary>
    /// How long before the grant's end the leader stops its work when it could not renew: the lease is
    /// measured on this node's monotonic clock from before the request, so the node always stops before
    /// the database would let a standby in; the margin covers clock-rate differences.
    /// </summary>
    public TimeSpan StepDownMargin => Duration / 10;
}
