using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>
/// A transaction's standing. <see cref="Confirmations"/> counts the block it is in as the first, so it is
/// head − block + 1 (zero unless included). <see cref="RevertReason"/> is set for <see cref="ConfirmationState.Failed"/>.
/// </summary>
public sealed record ConfirmationStatus(ConfirmationState State, ulong Confirmations, RpcReceipt? Receipt, string? RevertReason = null)
{
    public static ConfirmationStatus Pending { get; } = new(ConfirmationState.Pending, 0, null);

    public static ConfirmationStatus Reorganised(RpcReceipt? receipt) => new(ConfirmationState.Reorganised, 0, receipt);
}
