using System.Numerics;
using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Silo.Payouts;

namespace Ledger.Bench.Payouts;

/// <summary>
/// The chain of the payout figures, set up as the embedded node sets up its own (api/Ledger.Api/Chain/ChainHost.cs):
/// anvil from node_modules on a free loopback port, mining a block every <c>blockTimeSeconds</c>; the four
/// contracts deployed by <see cref="ContractDeployer"/> from anvil's first dev key, which is admin, payer
/// and minter; TestUSD minted to that key (the treasury). No state file: the chain lives only for the run,
/// and disposing stops anvil (SIGTERM, then a kill after the stop timeout).
/// </summary>
internal sealed class LocalPayoutChain : IAsyncDisposable
{
    /// <summary>The node's gas cap (ChainHost.SenderOptions): room for a full batch of 256 payouts.</summary>
    public const ulong SenderGasCap = 20_000_000;

    /// <summary>What the node mints its local treasury up to (ChainHost.LocalTreasuryFloat): 100 million TUSD.</summary>
    public static readonly BigInteger TreasuryFloat = BigInteger.Pow(10, 14);

    private readonly AnvilProcess anvil;
    private readonly JsonRpcClient rpc;

    private LocalPayoutChain(AnvilProcess anvil, JsonRpcClient rpc, TransactionSender sender, ContractDeployment deployment, int blockTimeSeconds, int confirmations)
    {
        this.anvil = anvil;
        this.rpc = rpc;
        Sender = sender;
        Deployment = deployment;
        BlockTimeSeconds = blockTimeSeconds;
        Confirmations = confirmations;
    }

    /// <summary>The treasury's sender: the node's options (gas cap 20M, the default margin and polling).</summary>
    public TransactionSender Sender { get; }

    public ContractDeployment Deployment { get; }

    public int BlockTimeSeconds { get; }

    /// <summary>The finality depth the payout client waits for (the node's default on a local chain is 2).</summary>
    public int Confirmations { get; }

    public Uri RpcUri => anvil.RpcUri;

    public TestUsdContract Stablecoin => new(Deployment.Stablecoin, Sender.Eth, Sender);

    public PayoutBatcherContract Batcher => new(Deployment.Payouts, Sender.Eth, Sender);

    public static async Task<LocalPayoutChain> StartAsync(string folder, int blockTimeSeconds, int confirmations, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockTimeSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(confirmations);
        var anvil = await AnvilProcess.StartAsync(new AnvilOptions { BlockTimeSeconds = blockTimeSeconds }, cancellationToken);
        JsonRpcClient? rpc = null;
        try
        {
            rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = anvil.RpcUri });
            var eth = new EthClient(rpc);
            var sender = await TransactionSender.CreateAsync(
                eth, DevKeys.First, Path.Combine(folder, "chain-nonces.json"), new TransactionSenderOptions { MaxGasLimit = SenderGasCap }, cancellationToken);
            var deployment = await ContractDeployer.DeployAsync(sender, cancellationToken);
            var chain = new LocalPayoutChain(anvil, rpc, sender, deployment, blockTimeSeconds, confirmations);
            await chain.Stablecoin.MintAsync(sender.Sender, TreasuryFloat, cancellationToken);
            return chain;
        }
        catch
        {
            rpc?.Dispose();
            await anvil.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo's payout client over this chain, as the node builds it (SiloPayoutChain).</summary>
    public ChainPayoutClient NewPayoutClient() => new(Batcher, Stablecoin, Sender, Confirmations);

    public async ValueTask DisposeAsync()
    {
        rpc.Dispose();
        await anvil.DisposeAsync();
    }
}
