using System.Diagnostics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Ledger.Cluster.Tests.Infrastructure;

namespace Ledger.Cluster.Tests;

/// <summary>
/// A node (API, silo and its local anvil) killed with SIGKILL while an anchor it signed and recorded is
/// on its way: after a restart on the same data folder it finishes that anchor, and the chain holds one
/// anchor per settlement batch, never two for the same head.
/// </summary>
public sealed class AnchorCrashTests
{
    private static readonly Dictionary<string, string> FastSettlement = new() { ["LEDGER_SETTLEMENT_INTERVAL_SECONDS"] = "1" };

    [Fact]
    public async Task A_node_killed_with_an_anchor_in_flight_resumes_without_a_second_anchor_for_the_same_head()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var node = await cluster.StartAsync("all-1", "all", environment: FastSettlement);
        // The first node made the data folder, so disposing the cluster deletes it.
        var dataDirectory = node.DataDirectory;
        using (var client = cluster.Operator(node))
        {
            var debit = await TestCluster.OpenAccountAsync(client);
            var credit = await TestCluster.OpenAccountAsync(client);
            for (var round = 0; round < 3; round++)
            {
                Assert.All(await TestCluster.CreateTransfersAsync(client, [TestCluster.Transfer(TestCluster.NewId(), debit, credit, 10)]), static s => Assert.Equal("created", s));

                // Let a batch or two go through whole before the crash.
                await Task.Delay(TimeSpan.FromSeconds(1.5));
            }

            Assert.All(await TestCluster.CreateTransfersAsync(client, [TestCluster.Transfer(TestCluster.NewId(), debit, credit, 10)]), static s => Assert.Equal("created", s));
        }

        // Kill the moment an anchor is signed and recorded (status submitted) but not yet seen in a block.
        var watching = Stopwatch.StartNew();
        long killedSeq;
        while (true)
        {
            var rows = await cluster.Database.RowsAsync("SELECT seq FROM settlements WHERE status = 1 ORDER BY seq DESC LIMIT 1");
            if (rows.Count > 0)
            {
                killedSeq = (long)rows[0][0];
                break;
            }

            Assert.True(watching.Elapsed < TimeSpan.FromSeconds(60), "No anchor was submitted within 60 s.\n" + cluster.Output);
            await Task.Delay(5);
        }

        await node.KillNodeOnlyAsync();
        var submittedHash = (byte[])(await cluster.Database.RowsAsync("SELECT tx_hash FROM settlements WHERE seq = $1", [killedSeq]))[0][0];

        // The same data folder: the node finds its chain (the anvil it left running is stopped and its
        // state loaded), its deployment, its nonce file and the recorded transaction.
        var again = await cluster.StartAsync("all-1-again", "all", dataDirectory: dataDirectory, environment: FastSettlement);
        var settled = Stopwatch.StartNew();
        while (await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM settlements WHERE status <> 3") > 0 ||
               await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM settlements WHERE seq = " + killedSeq) == 0)
        {
            Assert.True(settled.Elapsed < TimeSpan.FromSeconds(90), "The batches did not all become final after the restart.\n" + cluster.Output);
            await Task.Delay(200);
        }

        // One anchor per batch: the contract's latest seq is the number of batches, each batch's chain seq is its own.
        var batches = await cluster.Database.RowsAsync("SELECT seq, chain_seq, tree_size, tx_hash FROM settlements ORDER BY seq");
        using var http = cluster.Operator(again);
        using var chain = await ClusterChain.ConnectAsync(http);
        var anchor = new SettlementAnchorContract(chain.Contract("anchor"), chain.Eth, null);
        var latest = await anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None);
        Assert.Equal((ulong)batches.Count, latest.Seq);
        foreach (var batch in batches)
        {
            Assert.Equal(batch[0], batch[1]);
            var onChain = await anchor.GetAnchorAsync((ulong)(long)batch[0], BlockTag.Latest, CancellationToken.None);
            Assert.Equal((ulong)(long)batch[2], onChain.TreeSize);
        }

        // The transaction recorded before the crash is the one that anchored the head (sent again, not re-signed).
        var finalHash = (byte[])batches.Single(b => (long)b[0] == killedSeq)[3];
        Assert.Equal(Convert.ToHexString(submittedHash), Convert.ToHexString(finalHash));
    }
}
