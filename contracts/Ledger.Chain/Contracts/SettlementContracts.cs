using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>The four bindings of one deployment, writing through one sender (or read-only when it is null).</summary>
public sealed record SettlementContracts(
    SettlementAnchorContract Anchor,
    SettlementEscrowContract Escrow,
    PayoutBatcherContract Payouts,
    TestUsdContract Stablecoin)
{
    public static SettlementContracts Bind(ContractDeployment deployment, EthClient eth, TransactionSender? sender)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new SettlementContracts(
            new SettlementAnchorContract(deployment.Anchor, eth, sender),
            new SettlementEscrowContract(deployment.Escrow, eth, sender),
            new PayoutBatcherContract(deployment.Payouts, eth, sender),
            new TestUsdContract(deployment.Stablecoin, eth, sender));
    }
}
