using Ledger.Core.Cluster;
using Ledger.Core.Settlement;
using Ledger.Silo.Settlement;

namespace Ledger.Silo.Payouts;

/// <summary>The payout pipeline's check that it still leads, read before it moves the ledger.</summary>
internal static class PayoutLease
{
    /// <summary>Throws unless the fence's epoch still holds the lease: a deposed leader moves no money.</summary>
    public static async Task EnsureHeldAsync(ILeaseStore leases, SettlementFence fence, CancellationToken cancellationToken)
    {
        var grant = await leases.GetLeaseAsync(fence.LeaseName, cancellationToken);
        if (grant is not { Expired: false } || grant.Epoch != fence.Epoch)
        {
            throw new SettlementWriteRefusedException(
                SettlementWrite.NotLeader, $"Payouts: the lease '{fence.LeaseName}' is not held at epoch {fence.Epoch} (it is at {grant?.Epoch}, expired: {grant?.Expired}).");
        }
    }
}
