using System.Net;
using System.Net.Sockets;
using Ledger.Api.Payouts;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Crypto;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Api.Chain;

/// <summary>
/// Connects the node to its chain at start. The embedded node (role all, no <c>LEDGER_CHAIN_RPC</c>)
/// starts a local anvil whose state lives in the data folder (<c>anvil-state.json</c>, written when anvil
/// stops), and deploys the four contracts once, keeping their addresses in <c>chain.json</c>; a restart
/// finds both again. With <c>LEDGER_CHAIN_RPC</c>, the node uses that chain: the deployments of
/// <c>LEDGER_CONTRACTS</c>, or (role all only) the ones it deployed itself before. Roles api and silo
/// without an RPC URL run without a chain.
/// </summary>
public sealed partial class ChainHost : IHostedService, IAsyncDisposable
{
    public const string AnvilStateFileName = "anvil-state.json";
    public const string DeploymentFileName = "chain.json";
    public const string NonceFileName = "chain-nonces.json";
    public const string AnvilPidFileName = "anvil.pid";

    /// <summary>How often a local anvil writes its state file besides at exit, so a crash loses at most this much.</summary>
    public const int AnvilStateIntervalSeconds = 2;

    /// <summary>The local chain's block interval.</summary>
    public const int AnvilBlockTimeSeconds = 1;

    /// <summary>The port a local anvil prefers, so wallets and auditors find it where they expect; any free port otherwise.</summary>
    public const int PreferredAnvilPort = 8545;

    /// <summary>
    /// The node's sender: a gas cap of 20M (below a 30M block) leaves room for a full PayoutBatcher batch of
    /// 256 payouts, which the payout client budgets at 65k gas each.
    /// </summary>
    public static readonly TransactionSenderOptions SenderOptions = new() { MaxGasLimit = 20_000_000 };

    /// <summary>TestUSD units (6 decimals) the local treasury is topped up to: 100 million TUSD.</summary>
    public static readonly System.Numerics.BigInteger LocalTreasuryFloat = System.Numerics.BigInteger.Pow(10, 14);

    private readonly NodeOptions options;
    private readonly ChainConnection connection;
    private readonly ILogger<ChainHost> logger;
    private AnvilProcess? anvil;
    private JsonRpcClient? rpc;
    private int stopped;

    public ChainHost(NodeOptions options, ChainConnection connection, ILogger<ChainHost> logger)
    {
        this.options = options;
        this.connection = connection;
        this.logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Chain;
        var local = settings.Rpc is null;
        if (local && !(options.Role == NodeRole.All && options.StartLocalChain))
        {
            LogNoChain(logger, options.Role);
            return;
        }

        Uri endpoint;
        if (local)
        {
            await StopOrphanAnvilAsync(cancellationToken);
            anvil = await AnvilProcess.StartAsync(new AnvilOptions
            {
                StatePath = Path.Combine(options.DataDirectory, AnvilStateFileName),
                StateIntervalSeconds = AnvilStateIntervalSeconds,

                // Blocks keep coming without traffic, so an anchor reaches its confirmations on an idle chain.
                BlockTimeSeconds = AnvilBlockTimeSeconds,
                Port = PortIsFree(PreferredAnvilPort) ? PreferredAnvilPort : null,
            }, cancellationToken);
            await File.WriteAllTextAsync(AnvilPidPath, anvil.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            endpoint = anvil.RpcUri;
            LogAnvilStarted(logger, endpoint, anvil.ProcessId);
        }
        else
        {
            endpoint = settings.Rpc!;
        }

        rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = endpoint });
        var eth = new EthClient(rpc);
        var chainId = await eth.GetChainIdAsync(cancellationToken);
        var key = ChooseKey(settings, local, chainId);
        var sender = await TransactionSender.CreateAsync(eth, key, Path.Combine(options.DataDirectory, NonceFileName), SenderOptions, cancellationToken);
        var deployment = await DeploymentAsync(settings, local, sender, chainId, cancellationToken);
        var addresses = new ContractAddresses(deployment.Anchor.ToString(), deployment.Escrow.ToString(), deployment.Payouts.ToString(), deployment.Stablecoin.ToString());
        var info = new ChainInfo(chainId, endpoint, local || IsPublic(endpoint), addresses, settings.ConfirmationsFor(local), local, sender.Sender.ToString(), deployment.Block);
        var contracts = SettlementContracts.Bind(deployment, eth, sender);

        // Payouts and escrows convert USDC amounts (scale 6) to token units exactly by these decimals; a
        // stablecoin with others would pay the wrong amounts.
        var decimals = await contracts.Stablecoin.DecimalsAsync(BlockTag.Latest, cancellationToken);
        if (decimals != StablecoinRail.TokenDecimals)
        {
            throw new NodeConfigurationException($"The stablecoin {addresses.Stablecoin} has {decimals} decimals; payouts and escrows need a token of {StablecoinRail.TokenDecimals}, like USDC.");
        }

        if (local)
        {
            await TopUpLocalTreasuryAsync(contracts.Stablecoin, sender.Sender, cancellationToken);
        }

        connection.Connected(new ChainSession(info, eth, sender, contracts));
        LogConnected(logger, chainId, addresses.Anchor);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await ShutdownAsync(cancellationToken);

    /// <summary>
    /// On the embedded node's own chain the treasury (the node key, TestUSD's minter) is kept stocked, so
    /// payouts and treasury-funded escrows have tokens to move: below a tenth of
    /// <see cref="LocalTreasuryFloat"/> it is minted back up to it. TestUSD has no value anywhere; on any
    /// other chain the operator funds the treasury.
    /// </summary>
    private async Task TopUpLocalTreasuryAsync(TestUsdContract stablecoin, Address treasury, CancellationToken cancellationToken)
    {
        var balance = await stablecoin.BalanceOfAsync(treasury, BlockTag.Latest, cancellationToken);
        if (balance >= LocalTreasuryFloat / 10)
        {
            return;
        }

        await stablecoin.MintAsync(treasury, LocalTreasuryFloat - balance, cancellationToken);
        LogTreasuryMinted(logger, treasury.ToString(), LocalTreasuryFloat - balance);
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync(CancellationToken.None);

    private async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        connection.Disconnected();
        rpc?.Dispose();
        if (anvil is not null)
        {
            // SIGTERM: anvil writes its state file as it exits, so anchors and deployments survive.
            await anvil.StopAsync(cancellationToken);
            await anvil.DisposeAsync();
            File.Delete(AnvilPidPath);
        }
    }

    private string AnvilPidPath => Path.Combine(options.DataDirectory, AnvilPidFileName);

    /// <summary>
    /// A node killed without stopping leaves its anvil running, holding the newest chain state. Stopping it
    /// with SIGTERM makes it write that state, which the new anvil then loads; and it can no longer
    /// overwrite the state file later.
    /// </summary>
    private async Task StopOrphanAnvilAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(AnvilPidPath))
        {
            return;
        }

        if (int.TryParse(await File.ReadAllTextAsync(AnvilPidPath, cancellationToken), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) &&
            await AnvilProcess.StopOrphanAsync(pid, TimeSpan.FromSeconds(15), cancellationToken))
        {
            LogOrphanStopped(logger, pid);
        }

        File.Delete(AnvilPidPath);
    }

    private static EthKey ChooseKey(ChainSettings settings, bool local, ulong chainId)
    {
        if (settings.Key is { } hex)
        {
            return EthKey.FromHex(hex);
        }

        if (local || chainId == AnvilOptions.LocalChainId)
        {
            return DevKeys.First;
        }

        throw new NodeConfigurationException($"LEDGER_CHAIN_KEY is needed to anchor and pay out on chain {chainId}; only a local anvil (chain 31337) has a default key.");
    }

    private async Task<ContractDeployment> DeploymentAsync(ChainSettings settings, bool local, TransactionSender sender, ulong chainId, CancellationToken cancellationToken)
    {
        if (settings.Contracts is { } given)
        {
            var configured = new ContractDeployment(chainId, Address.Parse(given.Anchor), Address.Parse(given.Escrow), Address.Parse(given.Payouts), Address.Parse(given.Stablecoin), 0);
            try
            {
                await configured.VerifyAsync(sender.Eth, cancellationToken);
            }
            catch (InvalidDataException exception)
            {
                throw new NodeConfigurationException($"LEDGER_CONTRACTS does not match chain {chainId}: {exception.Message}", exception);
            }

            return configured;
        }

        if (options.Role != NodeRole.All)
        {
            throw new NodeConfigurationException(
                "With LEDGER_CHAIN_RPC, roles api and silo need LEDGER_CONTRACTS (anchor=0x..,escrow=0x..,payouts=0x..,stablecoin=0x..): " +
                "this build deploys only from an embedded node (role all).");
        }

        var path = Path.Combine(options.DataDirectory, DeploymentFileName);
        try
        {
            return await ContractDeployer.LoadOrDeployAsync(path, sender, cancellationToken);
        }
        catch (InvalidDataException exception) when (local)
        {
            // The local chain was reset (its state file removed): the recorded contracts are gone with it.
            // Keep the old record beside, and deploy afresh.
            var stale = path + ".stale-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            File.Move(path, stale);
            LogRedeploying(logger, exception.Message, stale);
            return await ContractDeployer.LoadOrDeployAsync(path, sender, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            throw new NodeConfigurationException($"{path} names contracts that chain {chainId} does not have: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Whether auditors may be shown the URL: one that carries no credentials (no user info, no query, no
    /// path where providers put API keys).
    /// </summary>
    private static bool IsPublic(Uri endpoint) =>
        string.IsNullOrEmpty(endpoint.UserInfo) && string.IsNullOrEmpty(endpoint.Query) && endpoint.AbsolutePath is "/" or "";

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No chain: role {Role} without LEDGER_CHAIN_RPC; batches close, nothing is anchored.")]
    private static partial void LogNoChain(ILogger logger, NodeRole role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local anvil started at {Endpoint} (process {ProcessId}).")]
    private static partial void LogAnvilStarted(ILogger logger, Uri endpoint, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped anvil process {ProcessId}, left running by an earlier start of this node; its state was saved first.")]
    private static partial void LogOrphanStopped(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Minted {Units} TestUSD units to the local treasury {Treasury}.")]
    private static partial void LogTreasuryMinted(ILogger logger, string treasury, System.Numerics.BigInteger units);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to chain {ChainId}; SettlementAnchor at {Anchor}.")]
    private static partial void LogConnected(ILogger logger, ulong chainId, string anchor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The recorded contracts are not on the local chain ({Reason}); the record is kept as {Stale} and the contracts are deployed again.")]
    private static partial void LogRedeploying(ILogger logger, string reason, string stale);
}
