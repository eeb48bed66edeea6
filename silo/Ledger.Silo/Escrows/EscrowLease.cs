using Ledger.Core.Cluster;
using Ledger.Core.Settlement;
using Ledger.Silo.Settlement;

namespace Ledger.Silo.Escrows;

/// <summary>The escrow pipeline's check that it still leads, read before each round and before it moves the ledger.</summary>
internal static class EscrowLease
{
    /// <summary>Throws unless the fence's epoch still holds the lease: a deposed leader moves no money.</summary>
    public static async Task EnsureHeldAsync(ILeaseStore leases, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fence);
        var grant = await leases.GetLeaseAsync(fence.LeaseName, cancellationToken);
        if (grant is { Expired: false } && grant.Epoch == fence.Epoch)
        {
            return;
        }

        throw new SettlementWriteRefusedException(
            SettlementWrite.NotLeader, $"Escrows: lease '{fence.LeaseName}' lost at epoch {fence.Epoch} (now epoch {grant?.Epoch}, expired: {grant?.Expired}).");
    }
}
