using Ledger.Auditor.OnChain;
using Ledger.Auditor.Proofs;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.Checks;

/// <summary>
/// The checks against the chain: the RPC serves the anchor's chain, the contract holds (tree_size, root)
/// at seq at a confirmed block, and the anchor transaction succeeded with the matching Anchored event.
/// </summary>
internal static class OnChainChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(ProofDocument proof, AnchorReader chain, int confirmations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(chain);
        var chainId = await Guard(CheckNames.ChainId, () => ChainIdAsync(proof.Anchor, chain, cancellationToken));
        if (chainId.Status != CheckStatus.Passed)
        {
            const string reason = "not run: the RPC does not serve the anchor's chain";
            return [chainId, CheckResult.Skip(CheckNames.AnchorContract, reason), CheckResult.Skip(CheckNames.AnchorReceipt, reason)];
        }

        return
        [
            chainId,
            await Guard(CheckNames.AnchorContract, () => ContractAsync(proof, chain, confirmations, cancellationToken)),
            await Guard(CheckNames.AnchorReceipt, () => ReceiptAsync(proof, chain, cancellationToken)),
        ];
    }

    private static async Task<CheckResult> ChainIdAsync(ProofAnchor anchor, AnchorReader chain, CancellationToken cancellationToken)
    {
        var served = await chain.ChainIdAsync(cancellationToken);
        return served == anchor.ChainId
            ? CheckResult.Pass(CheckNames.ChainId, $"the RPC serves chain {served}")
            : CheckResult.Fail(CheckNames.ChainId, $"expected chain {anchor.ChainId}, the RPC serves chain {served}");
    }

    private static async Task<CheckResult> ContractAsync(ProofDocument proof, AnchorReader chain, int confirmations, CancellationToken cancellationToken)
    {
        var anchor = proof.Anchor;
        var block = await chain.ConfirmedBlockAsync(confirmations, cancellationToken);
        if (block is null)
        {
            return CheckResult.Fail(CheckNames.AnchorContract, $"the chain has fewer than {confirmations} blocks; nothing is {confirmations} confirmations deep");
        }

        var held = await chain.AnchorAsync(anchor.Contract, anchor.Seq, block, cancellationToken);
        var where = $"{anchor.Contract.ToLowerHex()} anchors({anchor.Seq}) at block {block.Number} (head {block.Head}, {confirmations} confirmations)";
        if (held.TreeSize == 0)
        {
            var depth = anchor.BlockNumber > block.Head ? "is beyond the head" : $"has {block.Head - anchor.BlockNumber + 1} confirmations";
            return CheckResult.Fail(CheckNames.AnchorContract, $"{where} holds nothing; the anchor's block {anchor.BlockNumber} {depth}");
        }

        var expected = $"(tree_size {proof.TreeSize}, root {Hash32.FromBytes(proof.Root)})";
        var got = $"(tree_size {held.TreeSize}, root {held.Root})";
        return held.TreeSize == proof.TreeSize && held.Root == Hash32.FromBytes(proof.Root)
            ? CheckResult.Pass(CheckNames.AnchorContract, $"{where} holds {got}")
            : CheckResult.Fail(CheckNames.AnchorContract, $"{where}: expected {expected}, got {got}");
    }

    private static async Task<CheckResult> ReceiptAsync(ProofDocument proof, AnchorReader chain, CancellationToken cancellationToken)
    {
        var anchor = proof.Anchor;
        var receipt = await chain.ReceiptAsync(anchor.TransactionHash, cancellationToken);
        if (receipt is null)
        {
            return CheckResult.Fail(CheckNames.AnchorReceipt, $"the chain has no receipt for {anchor.TransactionHash}");
        }

        if (!receipt.Succeeded)
        {
            return CheckResult.Fail(CheckNames.AnchorReceipt, $"transaction {anchor.TransactionHash} reverted");
        }

        if (receipt.BlockNumber != anchor.BlockNumber)
        {
            return CheckResult.Fail(CheckNames.AnchorReceipt, $"expected transaction {anchor.TransactionHash} in block {anchor.BlockNumber}, the receipt says block {receipt.BlockNumber}");
        }

        var events = chain.AnchoredEvents(anchor.Contract, receipt);
        var root = Hash32.FromBytes(proof.Root);
        if (events.Any(e => e.Seq == anchor.Seq && e.TreeSize == proof.TreeSize && e.Root == root))
        {
            return CheckResult.Pass(CheckNames.AnchorReceipt, $"transaction {anchor.TransactionHash} in block {receipt.BlockNumber} emitted Anchored({anchor.Seq}, {proof.TreeSize}, {root})");
        }

        var got = events.Count == 0 ? "none" : string.Join(", ", events.Select(Describe));
        return CheckResult.Fail(
            CheckNames.AnchorReceipt,
            $"expected Anchored({anchor.Seq}, {proof.TreeSize}, {root}) from {anchor.Contract.ToLowerHex()} in transaction {anchor.TransactionHash}, got {got}");
    }

    private static string Describe(AnchoredEvent e) => $"Anchored({e.Seq}, {e.TreeSize}, {e.Root})";

    private static async Task<CheckResult> Guard(string name, Func<Task<CheckResult>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception exception) when (ChainFaults.IsChainFault(exception))
        {
            return CheckResult.Fail(name, ChainFaults.Describe(exception));
        }
    }
}
