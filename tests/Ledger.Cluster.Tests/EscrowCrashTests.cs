using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Ledger.Cluster.Tests.Infrastructure;
using Ledger.Core.Codec;
using Ledger.Core.Tokens;

namespace Ledger.Cluster.Tests;

/// <summary>
/// An escrow under crashes: a node kills itself with SIGKILL after the escrow's open is signed and recorded
/// (not sent), after it is sent, or after the chain released it but before the ledger's mirror is posted;
/// after a restart on the same data folder the escrow is opened once, released once, its payee holds
/// exactly the amount, the mirror is posted, and the reconciliation report finds nothing amiss.
/// </summary>
public sealed class EscrowCrashTests
{
    private const long Amount = 4_200_000;

    [Theory]
    [InlineData("after_signed")]
    [InlineData("after_sent")]
    [InlineData("before_resolve")]
    public async Task A_node_killed_at_an_escrow_step_opens_and_releases_the_escrow_once_after_a_restart(string step)
    {
        await using var cluster = await TestCluster.CreateAsync();
        var fast = new Dictionary<string, string> { ["LEDGER_PAYOUT_INTERVAL_SECONDS"] = "1" };
        var node = await cluster.StartAsync("all-1", "all", environment: new Dictionary<string, string>(fast) { ["LEDGER_FAULT_ESCROW_CRASH"] = step });
        // The first node made the data folder, so disposing the cluster deletes it.
        var dataDirectory = node.DataDirectory;
        var id = TestCluster.NewId();
        var payee = Address.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToString();
        var account = TestCluster.NewId();
        var releaseAsked = false;
        using (var client = cluster.Operator(node))
        {
            await OpenAsync(client, account, "settlement", ["debits_must_not_exceed_credits"]);
            var funding = TestCluster.NewId();
            await OpenAsync(client, funding, "settlement", []);
            var fund = new { id = TestCluster.NewId(), debit_account_id = funding, credit_account_id = account, amount = "10000000", currency = "USDC", code = 1 };
            Assert.All(await TestCluster.CreateTransfersAsync(client, [fund]), static s => Assert.Equal("created", s));
            var deadline = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var (status, body) = await client.PostAsync("/v1/escrows", new { id, funding = "treasury", account_id = account, amount = Amount.ToString(CultureInfo.InvariantCulture), currency = "USDC", deadline, payee });
            Assert.True(status == HttpStatusCode.Accepted, $"{status}: {body}");

            // Drive it towards release until the node kills itself at the step.
            var watching = Stopwatch.StartNew();
            while (!node.HasExited)
            {
                Assert.True(watching.Elapsed < TimeSpan.FromSeconds(90), $"The node did not reach {step} within 90 s.\n" + cluster.Output);
                releaseAsked = await AskReleaseWhenOpenAsync(client, id, releaseAsked);
                await Task.Delay(100);
            }
        }

        var again = await cluster.StartAsync("all-1-again", "all", dataDirectory: dataDirectory, environment: fast);
        using var http = cluster.Operator(again);
        var settled = Stopwatch.StartNew();
        JsonElement escrow;
        while (true)
        {
            releaseAsked = await AskReleaseWhenOpenAsync(http, id, releaseAsked);
            (_, escrow) = await http.GetAsync($"/v1/escrows/{id}");
            var state = escrow.GetProperty("status").GetString();
            Assert.True(state != "failed", $"The escrow failed after the restart: {escrow}\n{cluster.Output}");
            if (state == "released")
            {
                break;
            }

            Assert.True(settled.Elapsed < TimeSpan.FromSeconds(120), $"The escrow was not released within 120 s of the restart: {escrow}\n{cluster.Output}");
            await Task.Delay(200);
        }

        // On chain: released once, the payee holds exactly the amount.
        using var chain = await ClusterChain.ConnectAsync(http);
        var stablecoin = new TestUsdContract(chain.Contract("stablecoin"), chain.Eth, null);
        var escrows = new SettlementEscrowContract(chain.Contract("escrow"), chain.Eth, null);
        Assert.Equal(new BigInteger(Amount), await stablecoin.BalanceOfAsync(Address.Parse(payee), BlockTag.Latest, CancellationToken.None));
        var onChain = await escrows.GetEscrowAsync(Hash32.FromBytes(OnChainId.ToBytes32(Uuid.Parse(id))), BlockTag.Latest, CancellationToken.None);
        Assert.Equal(EscrowState.Released, onChain.State);

        // In the ledger: the mirror posted, nothing pending.
        var books = await TestCluster.AccountAsync(http, account);
        Assert.Equal((UInt128)(ulong)Amount, TestCluster.Amount(books, "debits_posted"));
        Assert.Equal(UInt128.Zero, TestCluster.Amount(books, "debits_pending"));

        // The watcher agrees, at a block past the release.
        var closedBlock = escrow.GetProperty("closed_block").GetUInt64();
        var reconciling = Stopwatch.StartNew();
        while (true)
        {
            var (status, report) = await http.GetAsync("/v1/reconciliation");
            if (status == HttpStatusCode.OK && report.GetProperty("block_number").GetUInt64() >= closedBlock)
            {
                Assert.True(report.GetProperty("consistent").GetBoolean(), report.ToString());
                break;
            }

            Assert.True(reconciling.Elapsed < TimeSpan.FromSeconds(60), $"No reconciliation past block {closedBlock}: {report}");
            await Task.Delay(500);
        }
    }

    private static async Task OpenAsync(Http client, string id, string code, string[] flags)
    {
        var (status, body) = await client.PostAsync("/v1/accounts", new { id, owner_id = TestCluster.OperatorId, currency = "USDC", code, flags });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {body}");
    }

    /// <summary>Asks for the release once the escrow is open (once); true from then on. A node that is going down may not answer.</summary>
    private static async Task<bool> AskReleaseWhenOpenAsync(Http client, string id, bool asked)
    {
        if (asked)
        {
            return true;
        }

        try
        {
            var (_, escrow) = await client.GetAsync($"/v1/escrows/{id}");
            if (escrow.GetProperty("status").GetString() != "open")
            {
                return false;
            }

            var (status, body) = await client.PostAsync($"/v1/escrows/{id}/release", new { });
            Assert.True(status == HttpStatusCode.Accepted, $"{status}: {body}");
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
