using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Ledger.Cluster.Tests.Infrastructure;
using Ledger.Core.Codec;
using Ledger.Core.Tokens;

namespace Ledger.Cluster.Tests;

/// <summary>
/// Exactly once under crashes: a node (API, silo, local anvil) kills itself with SIGKILL at one step of
/// its payout pipeline — after a batch's transaction is signed and recorded but not sent, after it is sent
/// but before its inclusion is recorded, after it is final on chain but before the holds are posted — and
/// a restart on the same data folder pays every payout exactly once and posts every hold.
/// </summary>
public sealed class PayoutCrashTests
{
    private const int Payouts = 3;

    [Theory]
    [InlineData("after_signed")]
    [InlineData("after_sent")]
    [InlineData("after_final")]
    public async Task A_node_killed_at_a_payout_step_pays_each_payout_once_after_a_restart(string step)
    {
        await using var cluster = await TestCluster.CreateAsync();
        var environment = new Dictionary<string, string>
        {
            ["LEDGER_PAYOUT_INTERVAL_SECONDS"] = "1",
            ["LEDGER_FAULT_PAYOUT_CRASH"] = step,
        };
        var node = await cluster.StartAsync("all-1", "all", environment: environment);
        // The first node made the data folder, so disposing the cluster deletes it.
        var dataDirectory = node.DataDirectory;
        var ids = new List<string>();
        var destinations = new List<string>();
        string account;
        using (var client = cluster.Operator(node))
        {
            account = TestCluster.NewId();
            var (opened, openBody) = await client.PostAsync("/v1/accounts", new { id = account, owner_id = TestCluster.OperatorId, currency = "USDC", code = "merchant_payable", flags = new[] { "debits_must_not_exceed_credits" } });
            Assert.True(opened == HttpStatusCode.Created, $"{opened}: {openBody}");
            var funding = TestCluster.NewId();
            (opened, openBody) = await client.PostAsync("/v1/accounts", new { id = funding, owner_id = TestCluster.OperatorId, currency = "USDC", code = "settlement" });
            Assert.True(opened == HttpStatusCode.Created, $"{opened}: {openBody}");
            var fund = new { id = TestCluster.NewId(), debit_account_id = funding, credit_account_id = account, amount = "1000000", currency = "USDC", code = 1 };
            Assert.All(await TestCluster.CreateTransfersAsync(client, [fund]), static s => Assert.Equal("created", s));

            for (var i = 0; i < Payouts; i++)
            {
                var id = TestCluster.NewId();
                var destination = Address.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToString();
                var (status, body) = await client.PostAsync("/v1/payouts", new { id, account_id = account, amount = Amount(i), currency = "USDC", rail = "erc20", destination });
                Assert.True(status == HttpStatusCode.Accepted, $"{status}: {body}");
                ids.Add(id);
                destinations.Add(destination);
            }
        }

        // The node kills itself when its pipeline reaches the step.
        var watching = Stopwatch.StartNew();
        while (!node.HasExited)
        {
            Assert.True(watching.Elapsed < TimeSpan.FromSeconds(90), $"The node did not reach {step} within 90 s.\n" + cluster.Output);
            await Task.Delay(50);
        }

        var again = await cluster.StartAsync("all-1-again", "all", dataDirectory: dataDirectory, environment: new Dictionary<string, string> { ["LEDGER_PAYOUT_INTERVAL_SECONDS"] = "1" });
        using var http = cluster.Operator(again);
        var settled = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            while (true)
            {
                var (status, payout) = await http.GetAsync($"/v1/payouts/{id}");
                Assert.True(status == HttpStatusCode.OK, $"{status}: {payout}");
                var state = payout.GetProperty("status").GetString();
                Assert.True(state != "failed", $"Payout {id} failed after the restart: {payout}\n{cluster.Output}");
                if (state == "confirmed")
                {
                    break;
                }

                Assert.True(settled.Elapsed < TimeSpan.FromSeconds(120), $"Payout {id} was not confirmed within 120 s of the restart: {payout}\n{cluster.Output}");
                await Task.Delay(200);
            }
        }

        // On chain: each destination holds exactly its amount (a second pay would double it), and each id reads paid.
        using var chain = await ClusterChain.ConnectAsync(http);
        var stablecoin = new TestUsdContract(chain.Contract("stablecoin"), chain.Eth, null);
        var batcher = new PayoutBatcherContract(chain.Contract("payouts"), chain.Eth, null);
        for (var i = 0; i < Payouts; i++)
        {
            Assert.Equal(BigInteger.Parse(Amount(i), CultureInfo.InvariantCulture), await stablecoin.BalanceOfAsync(Address.Parse(destinations[i]), BlockTag.Latest, CancellationToken.None));
            Assert.True(await batcher.IsPaidAsync(Hash32.FromBytes(OnChainId.ToBytes32(Uuid.Parse(ids[i]))), BlockTag.Latest, CancellationToken.None));
        }

        // In the ledger: every hold posted, nothing pending, and no batch given up.
        var total = Enumerable.Range(0, Payouts).Sum(static i => long.Parse(Amount(i), CultureInfo.InvariantCulture));
        var books = await TestCluster.AccountAsync(http, account);
        Assert.Equal((UInt128)(ulong)total, TestCluster.Amount(books, "debits_posted"));
        Assert.Equal(UInt128.Zero, TestCluster.Amount(books, "debits_pending"));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM payout_batches WHERE status = 4"));
    }

    private static string Amount(int index) => (1000 + (index * 111)).ToString(CultureInfo.InvariantCulture);
}
