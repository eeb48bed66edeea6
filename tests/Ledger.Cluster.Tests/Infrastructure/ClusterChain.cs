using System.Net;
using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Cluster.Tests.Infrastructure;

/// <summary>A node's chain as <c>GET /v1/chain</c> names it: a JSON-RPC client on its URL and the contract addresses, to check the chain directly.</summary>
public sealed class ClusterChain : IDisposable
{
    private readonly JsonRpcClient rpc;
    private readonly JsonElement contracts;

    private ClusterChain(JsonRpcClient rpc, JsonElement contracts)
    {
        this.rpc = rpc;
        this.contracts = contracts;
        Eth = new EthClient(rpc);
    }

    public EthClient Eth { get; }

    public static async Task<ClusterChain> ConnectAsync(Http client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (status, chain) = await client.GetAsync("/v1/chain");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {chain}");
        var rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = new Uri(chain.GetProperty("rpc_url").GetString()!) });
        return new ClusterChain(rpc, chain.GetProperty("contracts").Clone());
    }

    /// <summary>The address of a contract by its role: anchor, escrow, payouts or stablecoin.</summary>
    public Address Contract(string role) => Address.Parse(contracts.GetProperty(role).GetString()!);

    public void Dispose() => rpc.Dispose();
}
