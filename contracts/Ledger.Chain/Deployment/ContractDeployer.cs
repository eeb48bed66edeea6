using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Deployment;

/// <summary>
/// Deploys the four contracts from the sending key, which takes every role: admin of each, anchorer of
/// SettlementAnchor, relayer of SettlementEscrow, payer of PayoutBatcher and minter of TestUSD. The four
/// creations are sent one after the other and awaited together, so a deployment costs one round of
/// inclusion, not four.
/// </summary>
public static class ContractDeployer
{
    public static async Task<ContractDeployment> DeployAsync(TransactionSender sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var key = sender.Sender;
        var creations = new (string Name, byte[] InitCode)[]
        {
            (ContractArtifacts.SettlementAnchorName, ContractArtifacts.SettlementAnchor.DeploymentData(key, key)),
            (ContractArtifacts.SettlementEscrowName, ContractArtifacts.SettlementEscrow.DeploymentData(key, key)),
            (ContractArtifacts.PayoutBatcherName, ContractArtifacts.PayoutBatcher.DeploymentData(key, key)),
            (ContractArtifacts.TestUsdName, ContractArtifacts.TestUsd.DeploymentData(key)),
        };

        var sent = new List<(string Name, PendingTransaction Pending)>(creations.Length);
        foreach (var (name, initCode) in creations)
        {
            sent.Add((name, await sender.SendAsync(new TransactionRequest(null, initCode), cancellationToken)));
        }

        var addresses = new Address[creations.Length];
        ulong lastBlock = 0;
        for (var i = 0; i < sent.Count; i++)
        {
            var (name, pending) = sent[i];
            var receipt = await sender.WaitForReceiptAsync(pending.Hash, cancellationToken);
            if (!receipt.Succeeded)
            {
                throw new InvalidOperationException($"Deploying {name} failed in transaction {receipt.TransactionHash}.");
            }

            var expected = Transactions.ContractAddress.From(pending.Sender, pending.Nonce);
            if (receipt.ContractAddress != expected)
            {
                throw new InvalidOperationException(
                    $"Deploying {name}: the receipt names {receipt.ContractAddress}, but sender and nonce give {expected}.");
            }

            addresses[i] = expected;
            lastBlock = Math.Max(lastBlock, receipt.BlockNumber);
        }

        var deployment = new ContractDeployment(sender.ChainId, addresses[0], addresses[1], addresses[2], addresses[3], lastBlock);
        await deployment.VerifyAsync(sender.Eth, cancellationToken);
        return deployment;
    }

    /// <summary>
    /// The deployment recorded at <paramref name="path"/> when it is still on the chain, otherwise a fresh
    /// one, saved there. This is what an embedded node does at start.
    /// </summary>
    public static async Task<ContractDeployment> LoadOrDeployAsync(string path, TransactionSender sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var existing = await ContractDeployment.LoadAsync(path, sender.Eth, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var deployment = await DeployAsync(sender, cancellationToken);
        await deployment.SaveAsync(path, cancellationToken);
        return deployment;
    }
}
