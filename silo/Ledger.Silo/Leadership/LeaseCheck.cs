using Ledger.Core.Cluster;
using Ledger.Core.Settlement;
using Ledger.Silo.Settlement;

namespace Ledger.Silo.Leadership;

/// <summary>A pipeline's check that it still leads, read before a round and before it moves the ledger.</summary>
internal static class LeaseCheck
{
    /// <summary>
    /// Throws <see cref="SettlementWriteRefusedException"/> (NotLeader) unless the fence's epoch still holds
    /// the lease: a deposed leader moves no money. <paramref name="pipeline"/> names the caller in the message.
    /// </summary>
    public static async Task EnsureHeldAsync(ILeaseStore leases, SettlementFence fence, string pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(fence);
        var grant = await leases.GetLeaseAsync(fence.LeaseName, cancellationToken);
        if (grant is { Expired: false } && grant.Epoch == fence.Epoch)
        {
            return;
        }

        throw new SettlementWriteRefusedException(
            SettlementWrite.NotLeader, $"{pipeline}: the lease '{fence.LeaseName}' is not held at epoch {fence.Epoch} (it is at {grant?.Epoch}, expired: {grant?.Expired}).");
    }
}
