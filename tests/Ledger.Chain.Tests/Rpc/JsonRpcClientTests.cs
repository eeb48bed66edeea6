using System.Net;
using System.Net.Sockets;
using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Rpc;

public sealed class JsonRpcClientTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static JsonRpcClientOptions Options(Uri endpoint, int attempts = 4) => new()
    {
        Endpoint = endpoint,
        CallTimeout = TimeSpan.FromMilliseconds(800),
        MaxAttempts = attempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task A_batch_goes_in_one_post_and_each_answer_meets_its_request()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));

        var answers = await rpc.BatchAsync(
            [
                JsonRpcRequest.Read("eth_chainId"),
                JsonRpcRequest.Read("no_such_method"),
                JsonRpcRequest.Read("eth_getBalance", DevKeys.First.Address.ToString(), "latest"),
                JsonRpcRequest.Read("eth_blockNumber"),
            ],
            CancellationToken.None);

        Assert.Equal(1, proxy.Requests);
        Assert.Equal("0x7a69", answers[0].Result.GetString());
        Assert.False(answers[1].Succeeded);
        Assert.Equal(-32601, answers[1].Error!.Code);
        Assert.Throws<JsonRpcException>(() => answers[1].Result);
        Assert.True(Ledger.Chain.Encoding.Hex.ParseQuantity(answers[2].Result.GetString()!) > 0);
        Assert.StartsWith("0x", answers[3].Result.GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_larger_than_the_limit_is_refused_before_sending()
    {
        using var rpc = new JsonRpcClient(Options(anvil.Anvil.RpcUri) with { MaxBatchSize = 2 });
        var requests = Enumerable.Range(0, 3).Select(_ => JsonRpcRequest.Read("eth_chainId")).ToList();
        await Assert.ThrowsAsync<ArgumentException>(() => rpc.BatchAsync(requests, CancellationToken.None));
    }

    [Fact]
    public async Task A_read_is_retried_through_503_and_502_then_succeeds()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        proxy.FailWith(HttpStatusCode.ServiceUnavailable);
        proxy.FailWith(HttpStatusCode.BadGateway);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));

        var chainId = await new EthClient(rpc).GetChainIdAsync(CancellationToken.None);

        Assert.Equal(31337UL, chainId);
        Assert.Equal(3, proxy.Requests);
    }

    [Fact]
    public async Task Retries_stop_at_the_attempt_limit_with_a_transient_fault()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        for (var i = 0; i < 5; i++)
        {
            proxy.FailWith(HttpStatusCode.GatewayTimeout);
        }

        using var rpc = new JsonRpcClient(Options(proxy.Endpoint, attempts: 3));

        var failure = await Assert.ThrowsAsync<RpcTransportException>(() => new EthClient(rpc).GetChainIdAsync(CancellationToken.None));

        Assert.True(failure.Transient);
        Assert.Equal(3, proxy.Requests);
    }

    [Fact]
    public async Task A_timed_out_read_is_retried()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        proxy.Delay(TimeSpan.FromSeconds(3));
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));

        var block = await new EthClient(rpc).GetBlockNumberAsync(CancellationToken.None);

        Assert.True(block >= 0);
        Assert.Equal(2, proxy.Requests);
    }

    [Fact]
    public async Task A_client_error_status_is_not_retried()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        proxy.FailWith(HttpStatusCode.BadRequest);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));

        var failure = await Assert.ThrowsAsync<RpcTransportException>(() => new EthClient(rpc).GetChainIdAsync(CancellationToken.None));

        Assert.False(failure.Transient);
        Assert.Equal(1, proxy.Requests);
    }

    [Fact]
    public async Task A_state_changing_request_is_not_retried_after_a_503()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        proxy.FailWith(HttpStatusCode.ServiceUnavailable);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));
        var before = await anvil.Eth.GetBlockNumberAsync(CancellationToken.None);

        await Assert.ThrowsAsync<RpcTransportException>(() => new AnvilControl(rpc).MineAsync(1, CancellationToken.None));

        Assert.Equal(1, proxy.Requests);
        Assert.Equal(before, await anvil.Eth.GetBlockNumberAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_state_changing_request_is_retried_after_429_since_the_node_did_not_take_it()
    {
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        proxy.FailWith(HttpStatusCode.TooManyRequests);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));
        var before = await anvil.Eth.GetBlockNumberAsync(CancellationToken.None);

        await new AnvilControl(rpc).MineAsync(1, CancellationToken.None);

        Assert.Equal(2, proxy.Requests);
        Assert.Equal(before + 1, await anvil.Eth.GetBlockNumberAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_execution_revert_is_not_retried_and_carries_the_revert_data()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        await using var proxy = new FaultyProxy(anvil.Anvil.RpcUri);
        using var rpc = new JsonRpcClient(Options(proxy.Endpoint));

        // anchor() called by a key without the anchoring role reverts with AccessControlUnauthorizedAccount.
        var call = new CallRequest(
            deployment.Anchor,
            SettlementAnchorContract.Anchor.EncodeCall(1UL, new byte[32], Array.Empty<object?>()),
            DevKeys.Second.Address);
        var failure = await Assert.ThrowsAsync<JsonRpcException>(() => new EthClient(rpc).CallAsync(call, BlockTag.Latest, CancellationToken.None));

        Assert.Equal(1, proxy.Requests);
        Assert.NotNull(failure.RevertData);
        var decoded = Ledger.Chain.Abi.AbiErrors.TryDecode(failure.RevertData, ContractArtifacts.SettlementAnchor.Errors);
        Assert.Equal("AccessControlUnauthorizedAccount", decoded?.Name);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_reported_as_transient()
    {
        // A port that was free a moment ago: nothing listens there, so every connection is refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var rpc = new JsonRpcClient(Options(new Uri($"http://127.0.0.1:{port}/"), attempts: 3));

        var failure = await Assert.ThrowsAsync<RpcTransportException>(() => new EthClient(rpc).GetChainIdAsync(CancellationToken.None));

        Assert.True(failure.Transient);
        Assert.Contains("after 3 attempts", failure.Message, StringComparison.Ordinal);
    }
}
