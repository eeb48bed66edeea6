using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Crypto;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Core.Tokens;
using Ledger.Silo.Escrows;
using Ledger.Silo.Leadership;
using Ledger.Silo.Tests.Infrastructure;
using Ledger.Silo.Tests.Payouts;
using Ledger.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Silo.Tests.Escrows;

/// <summary>
/// One escrow pipeline under test: a SQLite ledger with a running engine, fresh contracts on the class's
/// anvil (the deployer's key is the treasury: relayer, arbiter, TestUSD's minter), TestUSD minted to the
/// treasury, a bank's funded account (treasury escrows) and a merchant's account (permit escrows), and the
/// silo lease taken so rounds run under a real fence. Escrows are opened through
/// <see cref="EscrowProcessor"/> as the API would. Rounds are driven by the test.
/// </summary>
public sealed class EscrowHarness : IAsyncDisposable
{
    public const string Holder = "escrow-test";

    public const byte TokenDecimals = 6;

    public const ushort BankCode = 10;

    /// <summary>USDC: scale 6, like TestUSD's decimals, so an escrow's token amount is its amount.</summary>
    public static readonly Currency Usdc = new("USDC", 1_000_001, 6);

    public static readonly UInt128 OperatorId = 1, BankId = 0xB1, MerchantId = 0x4D, FundingAccount = 40, BankAccount = 41, MerchantAccount = 42;

    public static readonly UInt128 BankFunds = 1_000_000_000_000;

    private readonly CancellationTokenSource deadline = new(TimeSpan.FromMinutes(2));
    private readonly string noncePath;
    private ulong nextEscrow = 0xE5C0;

    private EscrowHarness(AnvilChain anvil, SqliteLedgerStore store, LedgerEngine engine, string noncePath, TransactionSender sender, ContractDeployment deployment, SettlementFence fence)
    {
        Anvil = anvil;
        Store = store;
        Engine = engine;
        this.noncePath = noncePath;
        Sender = sender;
        Deployment = deployment;
        Fence = fence;
        Processor = new EscrowProcessor(store, store, engine, TimeProvider.System, OperatorId);
        Chain = NewClient(sender);
        Source = new SwitchableEscrowSource { Current = Chain };
        Options = new EscrowOptions
        {
            Interval = TimeSpan.FromMilliseconds(100),
            ReconcileInterval = TimeSpan.FromMilliseconds(100),
            CrashHook = point => Hook?.Invoke(point),
        };
        Pipeline = NewPipeline();
    }

    public const int Confirmations = 2;

    public AnvilChain Anvil { get; }

    public SqliteLedgerStore Store { get; }

    public IEscrowStore Escrows => Store;

    public LedgerEngine Engine { get; }

    public EscrowProcessor Processor { get; }

    public TransactionSender Sender { get; private set; }

    public ContractDeployment Deployment { get; }

    public ChainEscrowClient Chain { get; private set; }

    public SwitchableEscrowSource Source { get; }

    public EscrowOptions Options { get; }

    public EscrowMetrics Metrics { get; } = new();

    public SettlementFence Fence { get; }

    public EscrowPipeline Pipeline { get; private set; }

    /// <summary>What the pipeline's crash hook does; a test throws from it to simulate a crash there.</summary>
    public Action<EscrowCrashPoint>? Hook { get; set; }

    public CancellationToken Token => deadline.Token;

    public TestUsdContract Stablecoin => new(Deployment.Stablecoin, Anvil.Eth, Sender);

    public SettlementEscrowContract Contract => new(Deployment.Escrow, Anvil.Eth, Sender);

    public Address Treasury => Sender.Sender;

    public static async Task<EscrowHarness> StartAsync(AnvilChain anvil)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var store = new SqliteLedgerStore(anvil.NewFile("escrows.db"));
        await store.InitializeAsync(CancellationToken.None);
        var engine = new LedgerEngine(store, TimeProvider.System);
        engine.Start();
        var noncePath = anvil.NewFile("nonces.json");
        var sender = await TransactionSender.CreateAsync(anvil.Eth, DevKeys.First, noncePath, PayoutHarness.SenderOptions, CancellationToken.None);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var grant = await store.TryAcquireAsync(SiloLeaseOptions.LeaseName, Holder, TimeSpan.FromMinutes(10), CancellationToken.None)
            ?? throw new InvalidOperationException("The fresh store refused the silo lease.");
        var harness = new EscrowHarness(anvil, store, engine, noncePath, sender, deployment, new SettlementFence(SiloLeaseOptions.LeaseName, grant.Epoch));
        await harness.MintAsync(harness.Treasury, BigInteger.Pow(10, 12));
        var accounts = await engine.CreateAccountsAsync(
            [
                new Account { Id = FundingAccount, Ledger = Usdc.Ledger, Code = BankCode, UserData128 = OperatorId },
                new Account { Id = BankAccount, Ledger = Usdc.Ledger, Code = BankCode, UserData128 = BankId, Flags = AccountFlags.DebitsMustNotExceedCredits },
                new Account { Id = MerchantAccount, Ledger = Usdc.Ledger, Code = PayoutHarness.MerchantPayableCode, UserData128 = MerchantId },
            ],
            harness.Token);
        Assert.All(accounts.Results, static r => Assert.Equal(CreateAccountResult.Created, r.Result));
        var funded = await engine.CreateTransfersAsync(
            [new Transfer { Id = 1, DebitAccountId = FundingAccount, CreditAccountId = BankAccount, Amount = BankFunds, Ledger = Usdc.Ledger, Code = 1 }],
            UInt128.Zero,
            harness.Token);
        Assert.Equal(CreateTransferResult.Created, funded.Results[0].Result);
        return harness;
    }

    /// <summary>A pipeline as a restarted silo builds it: nothing in memory, everything from the store.</summary>
    public EscrowPipeline NewPipeline() => new(
        new LeaderElection(Store, new SiloLeaseOptions { Holder = Holder }, NullLogger<LeaderElection>.Instance),
        Store,
        Store,
        Store,
        Store,
        Processor,
        Source,
        Options,
        Metrics,
        TimeProvider.System,
        NullLoggerFactory.Instance);

    /// <summary>Restarts the silo: a new sender over the same nonce file, a new escrow client and pipeline.</summary>
    public async Task RestartAsync()
    {
        Sender = await TransactionSender.CreateAsync(Anvil.Eth, DevKeys.First, noncePath, PayoutHarness.SenderOptions, Token);
        Chain = NewClient(Sender);
        Source.Current = Chain;
        Pipeline = NewPipeline();
    }

    public Task RoundAsync() => Pipeline.RunRoundAsync(Fence, Token);

    public Task<ReconciliationReport?> ReconcileAsync() => Pipeline.ReconcileAsync(Fence, Token);

    /// <summary>
    /// Runs rounds until the escrow is <paramref name="status"/>, at most <paramref name="roundsMax"/>. After
    /// each round that is not done it waits (bounded) until anvil has mined what the round sent, then mines
    /// one more block: every next round sees the previous round's transaction one confirmation deeper,
    /// however slow the machine, so the bound counts rounds of the pipeline, not of the scheduler.
    /// </summary>
    public async Task RoundsUntilAsync(UInt128 id, EscrowStatus status, int roundsMax = 12)
    {
        for (var round = 0; round < roundsMax; round++)
        {
            await RoundAsync();
            if ((await EscrowAsync(id)).Status == status)
            {
                return;
            }

            await MineAfterRoundAsync();
        }

        Assert.Fail($"Escrow {id} is {(await EscrowAsync(id)).Status}, not {status}, after {roundsMax} rounds, with anvil having mined each round's transactions and a block more.");
    }

    /// <summary>
    /// What a hand-driven test does after a round: waits (bounded) until anvil has mined what the round
    /// sent, then mines one more block, as <see cref="RoundsUntilAsync"/> does between its rounds.
    /// </summary>
    public async Task MineAfterRoundAsync()
    {
        await ChainWait.PoolMinedAsync(Anvil.Rpc, Token);
        await Anvil.Control.MineAsync(1, Token);
    }

    /// <summary>
    /// Waits (bounded) until anvil has mined the transaction recorded for escrow <paramref name="id"/> and
    /// returns its receipt: for a test that drives rounds by hand and reads the receipt right after the
    /// round that sent it.
    /// </summary>
    public async Task<RpcReceipt> MinedAsync(UInt128 id)
    {
        var escrow = await EscrowAsync(id);
        var hash = escrow.TxHash ?? throw new InvalidOperationException($"Escrow {id} ({escrow.Status}) has no transaction recorded.");
        return await ChainWait.ReceiptAsync(Anvil.Eth, Hash32.FromBytes(hash), Token);
    }

    public async Task<Escrow> EscrowAsync(UInt128 id) =>
        await Escrows.GetEscrowAsync(id, Token) ?? throw new InvalidOperationException($"No escrow {id}.");

    /// <summary>An outside payee address of its own for each number.</summary>
    public static byte[] Outside(int number)
    {
        var address = new byte[Address.Length];
        address[0] = 0xE0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(address.AsSpan(16), number);
        return address;
    }

    /// <summary>Records a treasury-funded escrow of the bank's account to an outside payee, arbiter the treasury, and commits its mirror.</summary>
    public async Task<Escrow> OpenTreasuryEscrowAsync(UInt128 amount, int payee)
    {
        var treasury = Treasury.ToArray();
        var request = new EscrowRequest(nextEscrow++, EscrowFunding.Treasury, BankAccount, amount, treasury, Outside(payee), treasury, DeadlineAhead(), null);
        return await OpenAsync(request);
    }

    /// <summary>
    /// Records a permit-funded escrow for the merchant: <paramref name="payer"/> signs an EIP-2612 permit
    /// for the amount to the escrow contract (after TestUSD is minted to it); payee and arbiter the treasury.
    /// </summary>
    public async Task<Escrow> OpenPermitEscrowAsync(EthKey payer, UInt128 amount, BigInteger? permitValue = null)
    {
        await MintAsync(payer.Address, amount);
        var domain = await Stablecoin.DomainSeparatorAsync(BlockTag.Latest, Token);
        var nonce = await Stablecoin.NoncesAsync(payer.Address, BlockTag.Latest, Token);
        var permitDeadline = (ulong)DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
        var signature = PermitSignature.Sign(payer, domain, Deployment.Escrow, permitValue ?? amount, nonce, permitDeadline);
        var treasury = Treasury.ToArray();
        var request = new EscrowRequest(
            nextEscrow++, EscrowFunding.Permit, MerchantAccount, amount, payer.Address.ToArray(), treasury, treasury, DeadlineAhead(),
            new EscrowPermit(permitDeadline, signature.V, signature.R, signature.S));
        return await OpenAsync(request);
    }

    public async Task RequestReleaseAsync(UInt128 id) =>
        Assert.Equal(EscrowError.None, (await Processor.RequestReleaseAsync(id, OperatorId, callerIsOperator: true, Token)).Error);

    public async Task RequestRefundAsync(UInt128 id) =>
        Assert.Equal(EscrowError.None, (await Processor.RequestRefundAsync(id, OperatorId, callerIsOperator: true, Token)).Error);

    public async Task<PendingStatus?> MirrorStatusAsync(UInt128 id) =>
        (await Store.GetTransferAsync(EscrowLegs.MirrorId(id), Token))?.Pending?.Status;

    public async Task<Account> AccountAsync(UInt128 id) =>
        await Store.GetAccountAsync(id, Token) ?? throw new InvalidOperationException($"No account {id}.");

    public Task<BigInteger> TokenBalanceAsync(Address address) => Stablecoin.BalanceOfAsync(address, BlockTag.Latest, Token);

    public Task<BigInteger> TokenBalanceAsync(byte[] address) => TokenBalanceAsync(Address.FromBytes(address));

    public async Task MintAsync(Address to, BigInteger amount) => await Stablecoin.MintAsync(to, amount, Token);

    /// <summary>Every escrow event the contract emitted, in chain order.</summary>
    public async Task<IReadOnlyList<EscrowChainEvent>> EventsAsync() =>
        await Chain.GetEventsAsync(0, await Anvil.Eth.GetBlockNumberAsync(Token), Token);

    /// <summary>A sender for another dev key, with a nonce file of its own.</summary>
    public Task<TransactionSender> SenderForAsync(EthKey key) =>
        TransactionSender.CreateAsync(Anvil.Eth, key, Anvil.NewFile("other-nonces.json"), PayoutHarness.SenderOptions, Token);

    public static Hash32 OnChainHash(UInt128 id) => Hash32.FromBytes(OnChainId.ToBytes32(id));

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Store.DisposeAsync();
        deadline.Dispose();
    }

    private async Task<Escrow> OpenAsync(EscrowRequest request)
    {
        var outcome = await Processor.OpenAsync(request, Usdc, TokenDecimals, OperatorId, callerIsOperator: true, Token);
        Assert.Equal((EscrowError.None, true), (outcome.Error, outcome.Created));
        return outcome.Escrow!;
    }

    private static DateTimeOffset DeadlineAhead() => DateTimeOffset.UtcNow.AddHours(1);

    private ChainEscrowClient NewClient(TransactionSender sender) => new(
        new SettlementEscrowContract(Deployment.Escrow, Anvil.Eth, sender),
        new TestUsdContract(Deployment.Stablecoin, Anvil.Eth, sender),
        new PayoutBatcherContract(Deployment.Payouts, Anvil.Eth, sender),
        sender,
        Confirmations,
        Deployment.Block);
}

/// <summary>An escrow chain source the test sets: none (a node without a chain), or a given client.</summary>
public sealed class SwitchableEscrowSource : IEscrowChainSource
{
    public IEscrowChain? Current { get; set; }
}

/// <summary>Thrown from the crash hook: the process "dies" at that point.</summary>
public sealed class SimulatedEscrowCrashException(EscrowCrashPoint point) : Exception($"Simulated crash at {point}.")
{
    public EscrowCrashPoint Point { get; } = point;
}
