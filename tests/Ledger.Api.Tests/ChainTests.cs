using System.Net;
using Ledger.Api.Chain;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests;

/// <summary>The embedded node's local chain: anvil from npm, the contracts deployed once, both kept in the data folder.</summary>
[Collection(LocalChainCollection.Name)]
public sealed class ChainTests
{
    [Fact]
    public async Task The_embedded_node_deploys_once_and_keeps_its_chain_and_anchors_across_a_restart()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        try
        {
            string firstView;
            ChainInfo first;
            await using (var node = await TestNode.StartAsync(dataDirectory, configure: static o => o.StartLocalChain = true))
            {
                using var auditor = node.AsOperator();
                var response = await auditor.GetAsync("/v1/chain");
                Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
                var json = response.Json;
                Assert.Equal(31337UL, json.GetProperty("chain_id").GetUInt64());
                Assert.Equal(2, json.GetProperty("confirmations").GetInt32());
                Assert.StartsWith("http://127.0.0.1:", json.GetProperty("rpc_url").GetString(), StringComparison.Ordinal);
                foreach (var name in new[] { "anchor", "escrow", "payouts", "stablecoin" })
                {
                    Assert.True(Address.TryParse(json.GetProperty("contracts").GetProperty(name).GetString()!, out _), name);
                }

                firstView = json.GetProperty("contracts").ToString();
                var session = node.Services.GetRequiredService<ChainConnection>().Session!;
                first = session.Info;
                foreach (var address in new[] { first.Contracts.Anchor, first.Contracts.Escrow, first.Contracts.Payouts, first.Contracts.Stablecoin })
                {
                    Assert.NotEmpty(await session.Eth.GetCodeAsync(Address.Parse(address), BlockTag.Latest, CancellationToken.None));
                }

                // An anchor made before the restart must still be on the chain after it.
                await session.Contracts.Anchor.AnchorAsync(1, Hash32.FromBytes(Keccak256.Hash("a leaf")), [], CancellationToken.None);
            }

            Assert.True(File.Exists(Path.Combine(dataDirectory, ChainHost.AnvilStateFileName)));
            Assert.True(File.Exists(Path.Combine(dataDirectory, ChainHost.DeploymentFileName)));

            await using (var again = await TestNode.StartAsync(dataDirectory, configure: static o => o.StartLocalChain = true))
            {
                using var auditor = again.AsOperator();
                var response = await auditor.GetAsync("/v1/chain");
                Assert.Equal(firstView, response.Json.GetProperty("contracts").ToString());
                var session = again.Services.GetRequiredService<ChainConnection>().Session!;
                var latest = await session.Contracts.Anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None);
                Assert.Equal(1UL, latest.Seq);
                Assert.Equal(1UL, latest.TreeSize);
                Assert.Equal(Hash32.FromBytes(Keccak256.Hash("a leaf")), latest.Root);
                Assert.DoesNotContain(Directory.GetFiles(dataDirectory), static f => f.Contains(".stale-", StringComparison.Ordinal));
            }
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task An_anvil_left_running_by_a_killed_node_is_stopped_at_the_next_start_and_its_chain_kept()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        Directory.CreateDirectory(dataDirectory);
        try
        {
            // What a node killed with SIGKILL leaves behind: its anvil still running, holding blocks it has
            // not written to the state file yet, and the pid file naming it.
            var orphan = await AnvilProcess.StartAsync(new AnvilOptions { StatePath = Path.Combine(dataDirectory, ChainHost.AnvilStateFileName) }, CancellationToken.None);
            await using (orphan)
            {
                using (var rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = orphan.RpcUri }))
                {
                    await new AnvilControl(rpc).MineAsync(7, CancellationToken.None);
                }

                await File.WriteAllTextAsync(Path.Combine(dataDirectory, ChainHost.AnvilPidFileName), orphan.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

                await using var node = await TestNode.StartAsync(dataDirectory, configure: static o => o.StartLocalChain = true);
                Assert.True(orphan.HasExited, "The orphaned anvil still runs.");
                var session = node.Services.GetRequiredService<ChainConnection>().Session!;

                // The orphan's seven blocks were saved as it stopped and loaded by the new anvil (which then deployed).
                Assert.True(await session.Eth.GetBlockNumberAsync(CancellationToken.None) >= 7);
            }
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task A_node_without_a_chain_answers_503_chain_not_configured_and_401_to_anonymous_callers()
    {
        await using var node = await TestNode.StartAsync();
        using var anonymous = node.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/chain")).Status);
        using var op = node.AsOperator();
        var response = await op.GetAsync("/v1/chain");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal("chain_not_configured", response.ProblemCode());
    }

    [Theory]
    [InlineData("LEDGER_CHAIN_RPC", "ftp://example.org", "LEDGER_CHAIN_RPC")]
    [InlineData("LEDGER_CHAIN_RPC", "not a url", "LEDGER_CHAIN_RPC")]
    [InlineData("LEDGER_CONFIRMATIONS", "0", "LEDGER_CONFIRMATIONS")]
    [InlineData("LEDGER_CONFIRMATIONS", "twelve", "LEDGER_CONFIRMATIONS")]
    [InlineData("LEDGER_CONTRACTS", "anchor=0x5FbDB2315678afecb367f032d93F642f64180aa3", "lacks escrow, payouts, stablecoin")]
    [InlineData("LEDGER_CONTRACTS", "anchor=0x12,escrow=0x5FbDB2315678afecb367f032d93F642f64180aa3", "anchor")]
    [InlineData("LEDGER_CONTRACTS", "bridge=0x5FbDB2315678afecb367f032d93F642f64180aa3", "bridge")]
    public void Malformed_chain_settings_stop_the_start_with_a_message_naming_them(string variable, string value, string expected)
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [variable] = value })
            .Build()));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_chain_key_is_refused_without_being_repeated()
    {
        const string Secret = "0xzz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8";
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LEDGER_CHAIN_KEY"] = Secret })
            .Build()));
        Assert.Contains("LEDGER_CHAIN_KEY", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[4..20], refused.Message, StringComparison.Ordinal);
    }
}
