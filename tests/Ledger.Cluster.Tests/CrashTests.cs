using System.Diagnostics;
using Ledger.Cluster.Tests.Infrastructure;

namespace Ledger.Cluster.Tests;

/// <summary>A node killed with SIGKILL while it writes a batch; the other node carries on.</summary>
public sealed class CrashTests
{
    private const int Requests = 6;
    private const int TransfersPerRequest = 8189;

    [Fact]
    public async Task A_node_killed_mid_batch_leaves_nothing_partial_and_retries_on_the_other_node_answer_right()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var victim = await cluster.StartAsync("api-victim", "api");
        var survivor = await cluster.StartAsync("api-survivor", "api");
        using var toVictim = cluster.Operator(victim);
        using var toSurvivor = cluster.Operator(survivor);
        var funding = await TestCluster.OpenAccountAsync(toSurvivor);
        var accounts = new string[8];
        for (var i = 0; i < accounts.Length; i++)
        {
            accounts[i] = await TestCluster.OpenAccountAsync(toSurvivor);
        }

        // Full-size requests, so each commit takes long enough to be caught in the middle.
        var batches = new List<List<object>>();
        var ids = new List<string[]>();
        for (var r = 0; r < Requests; r++)
        {
            var batch = new List<object>(TransfersPerRequest);
            var batchIds = new string[TransfersPerRequest];
            for (var t = 0; t < TransfersPerRequest; t++)
            {
                batchIds[t] = TestCluster.NewId();
                batch.Add(TestCluster.Transfer(batchIds[t], funding, accounts[(r + t) % accounts.Length], (ulong)(1 + (t % 97))));
            }

            batches.Add(batch);
            ids.Add(batchIds);
        }

        var sent = batches.Select(batch => Task.Run(async () =>
        {
            try
            {
                return await TestCluster.CreateTransfersAsync(toVictim, batch);
            }
            catch (HttpRequestException)
            {
                return null; // the connection died with the node
            }
        })).ToList();

        // Kill the node the moment one of its commit transactions holds the commit lock (an advisory
        // lock held by a backend of the database), i.e. while a batch is being written.
        var watching = Stopwatch.StartNew();
        while (await cluster.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.datname = '{cluster.Database.Name}'") == 0)
        {
            Assert.True(watching.Elapsed < TimeSpan.FromSeconds(60), "No commit started within 60 s.\n" + cluster.Output);
        }

        await victim.KillAsync();
        await Task.WhenAll(sent);

        // Nothing partial: each request is in the log whole or not at all, and the log is contiguous.
        var committed = new bool[Requests];
        long total = 0;
        for (var r = 0; r < Requests; r++)
        {
            var present = await CountPresentAsync(cluster.Database, ids[r]);
            Assert.True(present == 0 || present == TransfersPerRequest, $"Request {r} is partly committed: {present} of {TransfersPerRequest}.");
            committed[r] = present == TransfersPerRequest;
            total += present;
        }

        Assert.Contains(false, committed); // the batch being written when the node died did not commit
        var logSize = await cluster.Database.ScalarAsync<long>("SELECT log_size FROM ledger_head");
        Assert.Equal(await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM transfers"), logSize);
        Assert.Equal(total + 0, logSize);

        // The client retries every request on the other node: what committed answers exists, the rest is created now.
        for (var r = 0; r < Requests; r++)
        {
            var results = await TestCluster.CreateTransfersAsync(toSurvivor, batches[r]);
            var expected = committed[r] ? "exists" : "created";
            Assert.All(results, s => Assert.Equal(expected, s));
        }

        // Every transfer is in the log exactly once and the books balance.
        Assert.Equal((long)Requests * TransfersPerRequest, await cluster.Database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM transfers"));
        Assert.Equal((long)Requests * TransfersPerRequest, await cluster.Database.ScalarAsync<long>("SELECT log_size FROM ledger_head"));
        var fundingAccount = await TestCluster.AccountAsync(toSurvivor, funding);
        UInt128 credited = 0;
        foreach (var account in accounts)
        {
            credited += TestCluster.Amount(await TestCluster.AccountAsync(toSurvivor, account), "credits_posted");
        }

        Assert.Equal(TestCluster.Amount(fundingAccount, "debits_posted"), credited);
    }

    private static async Task<long> CountPresentAsync(ClusterDatabase database, string[] ids)
    {
        var keys = ids.Select(static id => Convert.FromHexString(id.Replace("-", "", StringComparison.Ordinal))).ToArray();
        var rows = await database.RowsAsync("SELECT count(*) FROM transfers WHERE id = ANY($1)", [keys]);
        return (long)rows[0][0];
    }
}
