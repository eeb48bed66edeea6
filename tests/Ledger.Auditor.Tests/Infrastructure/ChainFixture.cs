using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>A real anvil on a free loopback port for one test class, where each test deploys its own SettlementAnchor.</summary>
public sealed class ChainFixture : IAsyncLifetime
{
    private int _files;

    internal AnvilProcess Anvil { get; private set; } = null!;

    internal JsonRpcClient Rpc { get; private set; } = null!;

    internal EthClient Eth { get; private set; } = null!;

    internal string Folder { get; } = Directory.CreateTempSubdirectory("ledger-auditor-tests-").FullName;

    internal string RpcUrl => Anvil.RpcUri.AbsoluteUri;

    public async Task InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(new AnvilOptions(), CancellationToken.None);
        Rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = Anvil.RpcUri });
        Eth = new EthClient(Rpc);
    }

    public async Task DisposeAsync()
    {
        Rpc.Dispose();
        await Anvil.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A fresh SettlementAnchor (no anchors yet), written to by anvil's first dev key.</summary>
    internal async Task<SettlementAnchorContract> DeployAnchorAsync()
    {
        var options = new TransactionSenderOptions { ReceiptPollInterval = TimeSpan.FromMilliseconds(20), ReceiptTimeout = TimeSpan.FromSeconds(20) };
        var sender = await TransactionSender.CreateAsync(Eth, DevKeys.First, NewFile("nonces.json"), options, CancellationToken.None);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        return new SettlementAnchorContract(deployment.Anchor, Eth, sender);
    }

    /// <summary>Mines empty blocks, so the anchors before them gain confirmations.</summary>
    internal Task MineAsync(int blocks) => new AnvilControl(Rpc).MineAsync(blocks, CancellationToken.None);

    internal string NewFile(string name) => Path.Combine(Folder, $"{Interlocked.Increment(ref _files)}-{name}");
}
