using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

/// <summary>An anvil of its own (not the class fixture's), stopped and started again over its state file.</summary>
public sealed class AnvilStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-anvil-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Contracts_and_anchors_survive_an_anvil_restart_with_a_state_file()
    {
        var options = new AnvilOptions { StatePath = Path.Combine(_folder, "anvil-state.json") };
        var deploymentPath = Path.Combine(_folder, "deployment.json");
        var nonces = Path.Combine(_folder, "nonces.json");
        var root = MerkleReference.Root(MerkleReference.Records(3, seed: 9));

        await using (var first = await AnvilProcess.StartAsync(options, CancellationToken.None))
        {
            using var rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = first.RpcUri });
            var eth = new EthClient(rpc);
            var sender = await TransactionSender.CreateAsync(eth, DevKeys.First, nonces, AnvilFixture.FastOptions, CancellationToken.None);
            var deployment = await ContractDeployer.LoadOrDeployAsync(deploymentPath, sender, CancellationToken.None);
            await new SettlementAnchorContract(deployment.Anchor, eth, sender).AnchorAsync(3, root, [], CancellationToken.None);
            await first.StopAsync(CancellationToken.None);
        }

        Assert.True(File.Exists(options.StatePath));
        await using var second = await AnvilProcess.StartAsync(options, CancellationToken.None);
        using var secondRpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = second.RpcUri });
        var secondEth = new EthClient(secondRpc);

        var loaded = await ContractDeployment.LoadAsync(deploymentPath, secondEth, CancellationToken.None);
        var latest = await new SettlementAnchorContract(loaded!.Anchor, secondEth, null).GetLatestAsync(BlockTag.Latest, CancellationToken.None);
        var restartedSender = await TransactionSender.CreateAsync(secondEth, DevKeys.First, nonces, AnvilFixture.FastOptions, CancellationToken.None);
        var again = await ContractDeployer.LoadOrDeployAsync(deploymentPath, restartedSender, CancellationToken.None);

        Assert.Equal(new AnchorHead(1, 3, root), latest);
        Assert.Equal(loaded, again);
    }

    [Fact]
    public async Task Without_a_state_file_a_restarted_anvil_is_empty_and_the_old_deployment_is_refused()
    {
        var deploymentPath = Path.Combine(_folder, "deployment.json");
        await using (var first = await AnvilProcess.StartAsync(new AnvilOptions(), CancellationToken.None))
        {
            using var rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = first.RpcUri });
            var sender = await TransactionSender.CreateAsync(
                new EthClient(rpc), DevKeys.First, Path.Combine(_folder, "nonces.json"), AnvilFixture.FastOptions, CancellationToken.None);
            await ContractDeployer.LoadOrDeployAsync(deploymentPath, sender, CancellationToken.None);
        }

        await using var second = await AnvilProcess.StartAsync(new AnvilOptions(), CancellationToken.None);
        using var secondRpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = second.RpcUri });

        await Assert.ThrowsAsync<InvalidDataException>(() => ContractDeployment.LoadAsync(deploymentPath, new EthClient(secondRpc), CancellationToken.None));
    }
}
