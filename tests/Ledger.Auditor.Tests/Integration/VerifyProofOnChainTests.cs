using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Auditor.Tests.Infrastructure;
using Ledger.Chain.Contracts;

namespace Ledger.Auditor.Tests.Integration;

/// <summary>verify-proof against a real anvil: a head anchored with the SettlementAnchor binding, the proof written to a file.</summary>
public sealed class VerifyProofOnChainTests(ChainFixture chain) : IClassFixture<ChainFixture>
{
    [Fact]
    public async Task A_proof_of_an_anchored_head_passes_every_check_and_exits_0()
    {
        var (proof, _, _) = await AnchoredProofAsync(mineAfter: 1);

        var run = await VerifyAsync(proof);

        Assert.True(run.ExitCode == 0, run.Output);
        foreach (var check in new[] { "record_fields", "leaf_hash", "inclusion", "chain_id", "anchor_contract", "anchor_receipt" })
        {
            Assert.Equal("PASS", run.Label(check));
        }

        Assert.Contains("verified: all 6 checks passed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_consistent_proof_of_a_root_the_contract_does_not_hold_fails_the_contract_and_receipt_checks()
    {
        var (anchored, contract, _) = await AnchoredProofAsync(mineAfter: 1);
        var (other, _) = ProofFixture.Build(new TestTransfer(), 9, 20, seed: 999);
        other["anchor"] = anchored["anchor"]!.DeepClone();

        var run = await VerifyAsync(other);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("PASS", run.Label("inclusion"));
        Assert.Equal("FAIL", run.Label("anchor_contract"));
        Assert.Equal("FAIL", run.Label("anchor_receipt"));
        Assert.Contains($"{contract.Address.ToLowerHex()} anchors(1) at block", run.Output, StringComparison.Ordinal);
        Assert.Contains($"expected (tree_size 20, root {(string)other["root"]!})", run.Output, StringComparison.Ordinal);
        Assert.Contains("NOT verified: 2 of 6 checks did not pass: anchor_contract, anchor_receipt", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tree_size_the_path_cannot_tell_apart_is_caught_by_the_contract()
    {
        var (proof, _, _) = await AnchoredProofAsync(mineAfter: 1, leafIndex: 5, treeSize: 8);
        proof["tree_size"] = 7;

        var run = await VerifyAsync(proof);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("PASS", run.Label("inclusion"));
        Assert.Equal("FAIL", run.Label("anchor_contract"));
    }

    [Fact]
    public async Task An_anchor_not_yet_deep_enough_fails_the_contract_check_and_says_so()
    {
        var (proof, _, _) = await AnchoredProofAsync(mineAfter: 0);

        var shallow = await VerifyAsync(proof, "--confirmations", "1");
        var deep = await VerifyAsync(proof, "--confirmations", "2");

        Assert.Equal(0, shallow.ExitCode);
        Assert.Equal(1, deep.ExitCode);
        Assert.Equal("FAIL", deep.Label("anchor_contract"));
        Assert.Contains("holds nothing; the anchor's block", deep.Output, StringComparison.Ordinal);
        Assert.Contains("has 1 confirmations", deep.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_chain_id_fails_and_skips_the_contract_reads()
    {
        var (proof, _, _) = await AnchoredProofAsync(mineAfter: 1);
        proof["anchor"]!["chain_id"] = 1;

        var run = await VerifyAsync(proof);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("FAIL", run.Label("chain_id"));
        Assert.Contains("expected chain 1, the RPC serves chain 31337", run.Output, StringComparison.Ordinal);
        Assert.Equal("SKIP", run.Label("anchor_contract"));
        Assert.Equal("SKIP", run.Label("anchor_receipt"));
    }

    [Fact]
    public async Task A_wrong_transaction_or_block_fails_the_receipt_check()
    {
        var (proof, _, anchored) = await AnchoredProofAsync(mineAfter: 1);
        var unknown = proof.DeepClone().AsObject();
        unknown["anchor"]!["tx_hash"] = "0x" + new string('7', 64);
        var wrongBlock = proof.DeepClone().AsObject();
        wrongBlock["anchor"]!["block_number"] = anchored.Log.BlockNumber!.Value + 1;

        var unknownRun = await VerifyAsync(unknown);
        var wrongBlockRun = await VerifyAsync(wrongBlock);

        Assert.Equal("FAIL", unknownRun.Label("anchor_receipt"));
        Assert.Contains("the chain has no receipt for 0x7777", unknownRun.Output, StringComparison.Ordinal);
        Assert.Equal("PASS", unknownRun.Label("anchor_contract"));
        Assert.Equal("FAIL", wrongBlockRun.Label("anchor_receipt"));
        Assert.Contains($"the receipt says block {anchored.Log.BlockNumber}", wrongBlockRun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_fetched_by_url_sends_the_api_key_and_a_refused_key_is_reported()
    {
        var (proof, contract, _) = await AnchoredProofAsync(mineAfter: 1);
        await using var api = new FakeLedgerApi(new ReferenceTree([]), 31337, contract.Address.ToLowerHex()) { RequiredKey = "auditor-key" };
        api.Documents["v1/proofs/transfers/0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f"] = proof.ToJsonString();
        var url = new Uri(api.BaseUri, "v1/proofs/transfers/0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f").AbsoluteUri;

        var withKey = await CommandRun.InvokeAsync("verify-proof", url, "--rpc", chain.RpcUrl, "--api-key", "auditor-key", "--json");
        var withoutKey = await CommandRun.InvokeAsync("verify-proof", url, "--rpc", chain.RpcUrl, "--api-key", "wrong");

        Assert.Equal(0, withKey.ExitCode);
        using var report = JsonDocument.Parse(withKey.Output);
        Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(1, withoutKey.ExitCode);
        Assert.Equal("FAIL", withoutKey.Label("proof_document"));
        Assert.Contains("answered 401", withoutKey.Output, StringComparison.Ordinal);
    }

    /// <summary>Anchors the root of a random tree holding the test transfer, as the first head of a fresh contract.</summary>
    private async Task<(JsonObject Proof, SettlementAnchorContract Contract, AnchoredEvent Anchored)> AnchoredProofAsync(
        int mineAfter, int leafIndex = 9, int treeSize = 20)
    {
        var contract = await chain.DeployAnchorAsync();
        var (proof, tree) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: 20);
        var anchored = await contract.AnchorAsync((ulong)treeSize, Ledger.Chain.Rpc.Hash32.FromBytes(tree.Root()), [], CancellationToken.None);
        if (mineAfter > 0)
        {
            await chain.MineAsync(mineAfter);
        }

        proof["anchor"] = new JsonObject
        {
            ["chain_id"] = 31337,
            ["contract"] = contract.Address.ToLowerHex(),
            ["seq"] = anchored.Seq,
            ["tx_hash"] = anchored.Log.TransactionHash!.Value.Hex,
            ["block_number"] = anchored.Log.BlockNumber!.Value,
        };
        return (proof, contract, anchored);
    }

    private async Task<CommandRun> VerifyAsync(JsonObject proof, params string[] extra)
    {
        var path = chain.NewFile("proof.json");
        await File.WriteAllTextAsync(path, proof.ToJsonString());
        return await CommandRun.InvokeAsync(["verify-proof", path, "--rpc", chain.RpcUrl, .. extra]);
    }
}
