using System.Diagnostics;
using Ledger.Cluster.Tests.Infrastructure;

namespace Ledger.Cluster.Tests;

/// <summary>Two silos over one database: one leads by a lease in PostgreSQL, the other stands by.</summary>
public sealed class SiloFailoverTests
{
    private const int LeaseSeconds = 3;
    private const int PendingTransfers = 20;
    private const int TimeoutSeconds = 5;

    [Fact]
    public async Task The_standby_takes_over_within_the_lease_time_when_the_leader_is_killed_and_no_expiry_runs_twice()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var api = await cluster.StartAsync("api", "api");
        var silos = new[] { await cluster.StartAsync("silo-1", "silo", LeaseSeconds), await cluster.StartAsync("silo-2", "silo", LeaseSeconds) };
        var (leader, standby) = await LeaderAndStandbyAsync(silos, cluster);
        var epoch = await TestCluster.MetricAsync(leader, "ledger_silo_lease_epoch");
        Assert.True(epoch > 0);

        // Holds that expire after the leader is gone: the standby must release them, each once.
        using var client = cluster.Operator(api);
        var debit = await TestCluster.OpenAccountAsync(client);
        var credit = await TestCluster.OpenAccountAsync(client);
        var pending = Enumerable.Range(0, PendingTransfers)
            .Select(_ => TestCluster.Transfer(TestCluster.NewId(), debit, credit, 5, ["pending"], TimeoutSeconds))
            .ToList();
        var created = Stopwatch.StartNew();
        Assert.All(await TestCluster.CreateTransfersAsync(client, pending), static s => Assert.Equal("created", s));

        await leader.KillAsync();
        var killed = Stopwatch.StartNew();
        Assert.True(created.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds), "The leader lived past the first expiry; the test proves nothing.");

        // Within the lease time: the dead leader's last renewal was at most a renew interval before the
        // kill, and the standby looks once per renew interval; one more second covers scheduling.
        await WaitForAsync(async () => await TestCluster.MetricAsync(standby, "ledger_silo_leader") == 1, TimeSpan.FromSeconds(LeaseSeconds * 3), cluster);
        var takeover = killed.Elapsed;
        Assert.True(takeover <= TimeSpan.FromSeconds(LeaseSeconds + (LeaseSeconds / 3.0) + 1), $"Takeover took {takeover.TotalSeconds:F1} s.\n{cluster.Output}");
        Assert.Equal(epoch + 1, await TestCluster.MetricAsync(standby, "ledger_silo_lease_epoch"));

        await WaitForAsync(async () => TestCluster.Amount(await TestCluster.AccountAsync(client, debit), "debits_pending") == 0, TimeSpan.FromSeconds(30), cluster);
        Assert.Equal(PendingTransfers, await TestCluster.MetricAsync(standby, "ledger_pending_expired_total"));
        var account = await TestCluster.AccountAsync(client, debit);
        Assert.Equal(UInt128.Zero, TestCluster.Amount(account, "debits_posted"));
        var rows = await cluster.Database.RowsAsync("SELECT count(*) FROM pending_transfers WHERE status = 1");
        Assert.Equal(0L, (long)rows[0][0]);
    }

    [Fact]
    public async Task A_leader_that_stops_gracefully_hands_over_at_once()
    {
        await using var cluster = await TestCluster.CreateAsync();
        var silos = new[] { await cluster.StartAsync("silo-1", "silo", LeaseSeconds), await cluster.StartAsync("silo-2", "silo", LeaseSeconds) };
        var (leader, standby) = await LeaderAndStandbyAsync(silos, cluster);
        var epoch = await TestCluster.MetricAsync(leader, "ledger_silo_lease_epoch");

        var stopping = Stopwatch.StartNew();
        await leader.StopAsync();
        await WaitForAsync(async () => await TestCluster.MetricAsync(standby, "ledger_silo_leader") == 1, TimeSpan.FromSeconds(LeaseSeconds * 3), cluster);

        // Released, not lapsed: the standby's next look (one renew interval at most) finds it free.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(LeaseSeconds), $"Handover took {stopping.Elapsed.TotalSeconds:F1} s.\n{cluster.Output}");
        Assert.Equal(epoch + 1, await TestCluster.MetricAsync(standby, "ledger_silo_lease_epoch"));
        var holders = await cluster.Database.RowsAsync("SELECT count(*) FROM leases WHERE name = 'silo'");
        Assert.Equal(1L, (long)holders[0][0]);
    }

    /// <summary>Waits until exactly one silo leads, and returns it and the other.</summary>
    private static async Task<(NodeProcess Leader, NodeProcess Standby)> LeaderAndStandbyAsync(NodeProcess[] silos, TestCluster cluster)
    {
        NodeProcess? leader = null;
        await WaitForAsync(async () =>
        {
            var leading = new List<NodeProcess>();
            foreach (var silo in silos)
            {
                if (await TestCluster.MetricAsync(silo, "ledger_silo_leader") == 1)
                {
                    leading.Add(silo);
                }
            }

            Assert.True(leading.Count <= 1, "Two silos lead at once.\n" + cluster.Output);
            leader = leading.SingleOrDefault();
            return leader is not null;
        }, TimeSpan.FromSeconds(LeaseSeconds * 3), cluster);
        return (leader!, silos.Single(s => s != leader));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, TestCluster cluster)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < limit, $"Not reached within {limit.TotalSeconds} s.\n{cluster.Output}");
            await Task.Delay(50);
        }
    }
}
