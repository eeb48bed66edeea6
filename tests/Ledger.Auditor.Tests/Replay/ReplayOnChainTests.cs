using Ledger.Auditor.Tests.Infrastructure;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.Tests.Replay;

/// <summary>
/// replay end to end: the fake API (standing in for the node's, see <see cref="FakeLedgerApi"/>) serves a
/// 300-record log settled at four sizes, the first three anchored on a real anvil with consistency proofs.
/// </summary>
public sealed class ReplayOnChainTests(ChainFixture chain) : IClassFixture<ChainFixture>
{
    private static readonly int[] Sizes = [37, 100, 256, 300];

    [Fact]
    public async Task An_honest_history_replays_without_divergence_and_exits_0()
    {
        await using var api = await HonestAsync(anchored: 3);

        var run = await ReplayAsync(api, "--page-size", "7");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("replayed 300 records in 4 settlements; 3 anchors compared on chain; 2 consistency proofs verified", run.Output, StringComparison.Ordinal);
        Assert.Contains("no divergence", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_record_is_reported_at_its_settlement_with_the_index_range()
    {
        await using var api = await HonestAsync(anchored: 3);
        var record = api.Tree.Records[150].ToArray();
        record[60] ^= 0x01;
        api.RecordOverrides[150] = record;

        var run = await ReplayAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DIVERGENCE settlement 3 (log indexes [100, 256)): settlement root: expected", run.Output, StringComparison.Ordinal);
        Assert.Contains("replayed 256 records in 2 settlements", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_settlement_root_the_records_do_not_give_is_reported()
    {
        await using var api = await HonestAsync(anchored: 3);
        api.Settlements[1] = api.Settlements[1] with { Root = api.Tree.Root(99) };

        var run = await ReplayAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"DIVERGENCE settlement 2 (log indexes [37, 100)): settlement root: expected {Ledger.Chain.Encoding.Hex.ToHex(api.Tree.Root(100))} (recomputed from the records), got", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contract_holding_another_head_is_reported()
    {
        var contract = await chain.DeployAnchorAsync();
        var other = ReferenceTree.Random(37, seed: 4242);
        await contract.AnchorAsync(37, Hash32.FromBytes(other.Root()), [], CancellationToken.None);
        await chain.MineAsync(1);
        await using var api = Api(contract);

        var run = await ReplayAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DIVERGENCE settlement 1 (log indexes [0, 37)): contract anchors(1) at block", run.Output, StringComparison.Ordinal);
        Assert.Contains($"got (tree_size 37, root {Hash32.FromBytes(other.Root())})", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistency_proof_that_fails_against_the_on_chain_roots_is_reported()
    {
        await using var api = await HonestAsync(anchored: 3);
        api.ConsistencyOverride = (from, to) => api.Tree.ConsistencyProof(from, to - 1);

        var run = await ReplayAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DIVERGENCE settlement 2 (log indexes [37, 100)): consistency of anchors(1) and anchors(2) on chain", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anchors_the_api_does_not_list_and_another_chain_are_divergences()
    {
        await using var api = await HonestAsync(anchored: 3);
        api.Settlements.RemoveRange(2, 2);
        var unlisted = await ReplayAsync(api);
        api.ChainId = 1;
        var otherChain = await ReplayAsync(api);

        Assert.Equal(1, unlisted.ExitCode);
        Assert.Contains("DIVERGENCE replay (log indexes [100, 256)): contract anchors(3) at block", unlisted.Output, StringComparison.Ordinal);
        Assert.Contains("expected a settlement listed by the API ending at tree_size 256, got settlements up to seq 2, tree_size 100", unlisted.Output, StringComparison.Ordinal);
        Assert.Equal(1, otherChain.ExitCode);
        Assert.Contains("chain id of --rpc: expected chain 1 (GET /v1/chain), got chain 31337", otherChain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anchor_not_yet_confirmed_is_a_note_and_a_missing_record_a_divergence()
    {
        await using var api = await HonestAsync(anchored: 3, mine: 0);
        var shallow = await ReplayAsync(api, "--confirmations", "2");

        Assert.Equal(0, shallow.ExitCode);
        Assert.Contains("2 anchors compared on chain", shallow.Output, StringComparison.Ordinal);
        Assert.Contains("note: settlement 3 is anchored by the API but the contract holds no anchors(3) at block", shallow.Output, StringComparison.Ordinal);

        api.Settlements.Add(new FakeSettlement(5, 300, 301, api.Tree.Root(), "pending"));
        var missing = await ReplayAsync(api);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("DIVERGENCE settlement 5 (log indexes [300, 301)): log records: expected a record at index 300, got the end of the log", missing.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_settlement_without_an_anchor_of_its_own_is_a_note_and_a_head_no_settlement_ends_at_a_divergence()
    {
        await using var skipped = await AnchoredAtAsync(2, 37, 256);
        var skippedRun = await ReplayAsync(skipped);

        Assert.Equal(0, skippedRun.ExitCode);
        Assert.Contains("2 anchors compared on chain; 1 consistency proofs verified", skippedRun.Output, StringComparison.Ordinal);
        Assert.Contains("note: settlement 2 is anchored by the API but has no anchor of its own; the next, contract anchors(2)", skippedRun.Output, StringComparison.Ordinal);

        await using var stray = await AnchoredAtAsync(2, 37, 120);
        var strayRun = await ReplayAsync(stray);

        Assert.Equal(1, strayRun.ExitCode);
        Assert.Contains("DIVERGENCE settlement 3 (log indexes [100, 256)): contract anchors(2) at block", strayRun.Output, StringComparison.Ordinal);
        Assert.Contains("got tree_size 120, which no settlement ends at", strayRun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_api_stops_the_replay_with_exit_1()
    {
        var run = await CommandRun.InvokeAsync("replay", "--api", "http://127.0.0.1:1/", "--rpc", chain.RpcUrl, "--no-progress");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("replay stopped: GET http://127.0.0.1:1/v1/chain failed", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A fresh contract holding the first <paramref name="anchored"/> settlements, each proved consistent with the one before.</summary>
    private Task<FakeLedgerApi> HonestAsync(int anchored, int mine = 2) => AnchoredAtAsync(mine, Sizes[..anchored]);

    /// <summary>A fresh contract holding heads of the API's tree at the given sizes, whatever the settlements.</summary>
    private async Task<FakeLedgerApi> AnchoredAtAsync(int mine, params int[] sizes)
    {
        var contract = await chain.DeployAnchorAsync();
        var api = Api(contract);
        for (var i = 0; i < sizes.Length; i++)
        {
            var proof = i == 0 ? [] : api.Tree.ConsistencyProof(sizes[i - 1], sizes[i]).Select(h => Hash32.FromBytes(h)).ToList();
            await contract.AnchorAsync((ulong)sizes[i], Hash32.FromBytes(api.Tree.Root(sizes[i])), proof, CancellationToken.None);
        }

        if (mine > 0)
        {
            await chain.MineAsync(mine);
        }

        return api;
    }

    private static FakeLedgerApi Api(SettlementAnchorContract contract)
    {
        var api = new FakeLedgerApi(ReferenceTree.Random(300, seed: 300), 31337, contract.Address.ToLowerHex());
        api.SettleAt(Sizes, seq => seq <= 3 ? "anchored" : "pending");
        return api;
    }

    private Task<CommandRun> ReplayAsync(FakeLedgerApi api, params string[] extra) =>
        CommandRun.InvokeAsync(["replay", "--api", api.BaseUri.AbsoluteUri, "--rpc", chain.RpcUrl, "--no-progress", .. extra]);
}
