using System.Collections.Concurrent;
using Ledger.Cluster.Tests.Infrastructure;

namespace Ledger.Cluster.Tests;

/// <summary>Two api nodes as separate processes over one PostgreSQL database.</summary>
public sealed class ConcurrentNodesTests
{
    private const int HotAccounts = 4;
    private const ulong Funding = 1_000_000;

    [Fact]
    public async Task Two_nodes_under_load_on_shared_hot_accounts_lose_no_update_and_keep_one_total_order()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var a = await cluster.StartAsync("api-a", "api");
        var b = await cluster.StartAsync("api-b", "api");
        using var clientA = cluster.Operator(a);
        using var clientB = cluster.Operator(b);

        var funding = await TestCluster.OpenAccountAsync(clientA);
        var hot = new string[HotAccounts];
        for (var i = 0; i < HotAccounts; i++)
        {
            hot[i] = await TestCluster.OpenAccountAsync(i % 2 == 0 ? clientA : clientB, "debits_must_not_exceed_credits");
        }

        var seed = new List<object>();
        foreach (var account in hot)
        {
            seed.Add(TestCluster.Transfer(TestCluster.NewId(), funding, account, Funding));
        }

        Assert.All(await TestCluster.CreateTransfersAsync(clientB, seed), static s => Assert.Equal("created", s));

        // Eight workers per node, each sending batches of 40 transfers between random hot accounts; the
        // amounts are large enough that some transfers fail on the balance limit, so the nodes' views
        // of the balances must really agree for the outcome to come out right.
        var committed = new ConcurrentBag<(string Debit, string Credit, ulong Amount)>();
        var statuses = new ConcurrentDictionary<string, int>();
        var workers = new List<Task>();
        for (var w = 0; w < 16; w++)
        {
            var client = w % 2 == 0 ? clientA : clientB;
            var random = new Random(w);
            workers.Add(Task.Run(async () =>
            {
                for (var round = 0; round < 12; round++)
                {
                    var batch = new List<object>();
                    var planned = new List<(string, string, ulong)>();
                    for (var t = 0; t < 40; t++)
                    {
                        var from = random.Next(HotAccounts);
                        var to = (from + 1 + random.Next(HotAccounts - 1)) % HotAccounts;
                        var amount = (ulong)random.Next(1, 60_000);
                        batch.Add(TestCluster.Transfer(TestCluster.NewId(), hot[from], hot[to], amount));
                        planned.Add((hot[from], hot[to], amount));
                    }

                    var results = await TestCluster.CreateTransfersAsync(client, batch);
                    for (var t = 0; t < results.Length; t++)
                    {
                        statuses.AddOrUpdate(results[t], 1, static (_, n) => n + 1);
                        if (results[t] == "created")
                        {
                            committed.Add(planned[t]);
                        }
                        else
                        {
                            Assert.Equal("exceeds_credits", results[t]);
                        }
                    }
                }
            }));
        }

        await Task.WhenAll(workers);
        Assert.True(statuses.GetValueOrDefault("created") > 0, cluster.Output);

        // No lost update: each hot account's balance is its funding plus what the created transfers moved.
        var expected = hot.ToDictionary(static id => id, static _ => (Debits: UInt128.Zero, Credits: (UInt128)Funding));
        foreach (var (debit, credit, amount) in committed)
        {
            expected[debit] = (expected[debit].Debits + amount, expected[debit].Credits);
            expected[credit] = (expected[credit].Debits, expected[credit].Credits + amount);
        }

        UInt128 debitsPosted = 0, creditsPosted = 0;
        foreach (var id in hot.Append(funding))
        {
            // Read through both nodes: they must agree.
            var viaA = await TestCluster.AccountAsync(clientA, id);
            var viaB = await TestCluster.AccountAsync(clientB, id);
            Assert.Equal(viaA.ToString(), viaB.ToString());
            debitsPosted += TestCluster.Amount(viaA, "debits_posted");
            creditsPosted += TestCluster.Amount(viaA, "credits_posted");
            if (expected.TryGetValue(id, out var sums))
            {
                Assert.Equal(sums.Debits, TestCluster.Amount(viaA, "debits_posted"));
                Assert.Equal(sums.Credits, TestCluster.Amount(viaA, "credits_posted"));
                Assert.True(TestCluster.Amount(viaA, "debits_posted") <= TestCluster.Amount(viaA, "credits_posted"), "A hot account went below zero.");
            }
        }

        Assert.Equal(debitsPosted, creditsPosted);

        // One log: no duplicate id, indexes 0..n-1, timestamps strictly increasing in log order across both nodes.
        var expectedCount = HotAccounts + committed.Count;
        Assert.Equal(expectedCount, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM transfers"));
        Assert.Equal(expectedCount, await cluster.Database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM transfers"));
        Assert.Equal(expectedCount - 1, await cluster.Database.ScalarAsync<long>("SELECT max(log_index) FROM transfers"));
        Assert.Equal(0, await cluster.Database.ScalarAsync<long>("""
            SELECT count(*) FROM (SELECT timestamp, lag(timestamp) OVER (ORDER BY log_index) AS previous FROM transfers) t
            WHERE previous IS NOT NULL AND timestamp <= previous
            """));
        Assert.Equal(expectedCount, await cluster.Database.ScalarAsync<long>("SELECT log_size FROM ledger_head"));

        // Both nodes really committed part of the load.
        Assert.True(await TestCluster.MetricAsync(a, "ledger_transfers_committed_total") > 0, cluster.Output);
        Assert.True(await TestCluster.MetricAsync(b, "ledger_transfers_committed_total") > 0, cluster.Output);
    }

    [Fact]
    public async Task The_same_transfer_sent_to_both_nodes_at_once_commits_once_and_both_answers_are_right()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var a = await cluster.StartAsync("api-a", "api");
        var b = await cluster.StartAsync("api-b", "api");
        using var clientA = cluster.Operator(a);
        using var clientB = cluster.Operator(b);
        var debit = await TestCluster.OpenAccountAsync(clientA);
        var credit = await TestCluster.OpenAccountAsync(clientB);

        const int Rounds = 40;
        var ids = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var id = TestCluster.NewId();
            ids.Add(id);
            var body = new[] { TestCluster.Transfer(id, debit, credit, 7) };
            using var go = new ManualResetEventSlim();
            var toA = Task.Run(async () => { go.Wait(); return await TestCluster.CreateTransfersAsync(clientA, body); });
            var toB = Task.Run(async () => { go.Wait(); return await TestCluster.CreateTransfersAsync(clientB, body); });
            go.Set();
            var answers = new[] { (await toA)[0], (await toB)[0] };
            Array.Sort(answers, StringComparer.Ordinal);
            Assert.Equal(["created", "exists"], answers);
        }

        var rows = await cluster.Database.RowsAsync("SELECT id FROM transfers");
        Assert.Equal(Rounds, rows.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), rows.Select(static r => TestCluster.IdOf((byte[])r[0])).Order(StringComparer.Ordinal));
        var account = await TestCluster.AccountAsync(clientB, credit);
        Assert.Equal((UInt128)(7 * Rounds), TestCluster.Amount(account, "credits_posted"));
    }
}
