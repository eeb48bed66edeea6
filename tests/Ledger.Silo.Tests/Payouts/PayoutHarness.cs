using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Crypto;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Tokens;
using Ledger.Silo.Leadership;
using Ledger.Silo.Payouts;
using Ledger.Silo.Tests.Infrastructure;
using Ledger.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Payout = Ledger.Core.Payouts.Payout;

namespace Ledger.Silo.Tests.Payouts;

/// <summary>
/// One payout pipeline under test: a SQLite ledger with a running engine, fresh contracts on the class's
/// anvil, TestUSD minted to the treasury (the deployer, which is minter and payer), a merchant_payable
/// account funded by a transfer, the operator's payout clearing account, and the silo lease taken so
/// rounds run under a real fence. Payouts are recorded in the store and their holds committed through
/// <see cref="PayoutLedger"/> or the engine directly, as the request side would. Rounds are driven by the test.
/// </summary>
public sealed class PayoutHarness : IAsyncDisposable
{
    public const string Holder = "payout-test";

    /// <summary>USDC (API.md): scale 6, like TestUSD's decimals, so a payout's token amount is its amount.</summary>
    public const uint UsdcLedger = 1_000_001;

    public const ushort MerchantPayableCode = 4;

    public static readonly UInt128 OperatorId = 1, MerchantId = 0x4D, FundingAccount = 40, MerchantAccount = 41;

    /// <summary>Fast polling, and a gas cap that lets a batch of 256 payouts through (about 13.5M gas).</summary>
    public static readonly TransactionSenderOptions SenderOptions = new()
    {
        ReceiptPollInterval = TimeSpan.FromMilliseconds(20),
        ReceiptTimeout = TimeSpan.FromSeconds(20),
        MaxGasLimit = 30_000_000,
    };

    private static readonly AbiFunction TransferFrom = AbiFunction.Parse("transferFrom(address from,address to,uint256 value)", "bool");
    private static readonly AbiFunction GrantRole = AbiFunction.Parse("grantRole(bytes32 role,address account)");

    private readonly CancellationTokenSource deadline = new(TimeSpan.FromMinutes(2));
    private readonly string noncePath;
    private ulong nextPayout = 0x1000;

    private PayoutHarness(
        AnvilChain anvil, SqliteLedgerStore store, LedgerEngine engine, string noncePath, TransactionSender sender, ContractDeployment deployment, SettlementFence fence, int confirmations)
    {
        Anvil = anvil;
        Store = store;
        Engine = engine;
        this.noncePath = noncePath;
        Sender = sender;
        Deployment = deployment;
        Fence = fence;
        Confirmations = confirmations;
        Ledger = new PayoutLedger(store, store, engine, TimeProvider.System, OperatorId);
        Chain = NewClient(sender);
        Source = new SwitchablePayoutSource { Current = Chain };
        Options = new PayoutOptions
        {
            Interval = TimeSpan.FromMilliseconds(100),
            CrashHook = point => Hook?.Invoke(point),
        };
        Pipeline = NewPipeline();
    }

    public AnvilChain Anvil { get; }

    public SqliteLedgerStore Store { get; }

    public IPayoutStore Payouts => Store;

    public LedgerEngine Engine { get; }

    public PayoutLedger Ledger { get; }

    /// <summary>The treasury's sender (the deployer's key, which pays, mints and administers).</summary>
    public TransactionSender Sender { get; private set; }

    public ContractDeployment Deployment { get; }

    public ChainPayoutClient Chain { get; private set; }

    public SwitchablePayoutSource Source { get; }

    public PayoutOptions Options { get; }

    public PayoutMetrics Metrics { get; } = new();

    public SettlementFence Fence { get; }

    public int Confirmations { get; }

    public PayoutPipeline Pipeline { get; private set; }

    /// <summary>What the pipeline's crash hook does; a test throws from it to simulate a crash there.</summary>
    public Action<PayoutCrashPoint>? Hook { get; set; }

    public CancellationToken Token => deadline.Token;

    public TestUsdContract Stablecoin => new(Deployment.Stablecoin, Anvil.Eth, Sender);

    public PayoutBatcherContract Batcher => new(Deployment.Payouts, Anvil.Eth, Sender);

    public Address Treasury => Sender.Sender;

    public static async Task<PayoutHarness> StartAsync(AnvilChain anvil, int confirmations = 2, BigInteger? treasuryTokens = null, UInt128? merchantFunds = null)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var store = new SqliteLedgerStore(anvil.NewFile("payouts.db"));
        await store.InitializeAsync(CancellationToken.None);
        var engine = new LedgerEngine(store, TimeProvider.System);
        engine.Start();
        var noncePath = anvil.NewFile("nonces.json");
        var sender = await TransactionSender.CreateAsync(anvil.Eth, DevKeys.First, noncePath, SenderOptions, CancellationToken.None);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var grant = await store.TryAcquireAsync(SiloLeaseOptions.LeaseName, Holder, TimeSpan.FromMinutes(10), CancellationToken.None)
            ?? throw new InvalidOperationException("The fresh store refused the silo lease.");
        var harness = new PayoutHarness(anvil, store, engine, noncePath, sender, deployment, new SettlementFence(SiloLeaseOptions.LeaseName, grant.Epoch), confirmations);

        var tokens = treasuryTokens ?? BigInteger.Pow(10, 12);
        if (tokens > 0)
        {
            await harness.MintAsync(harness.Treasury, tokens);
        }

        await harness.Ledger.EnsureClearingAccountAsync(UsdcLedger, harness.Token);
        var accounts = await engine.CreateAccountsAsync(
            [
                new Account { Id = FundingAccount, Ledger = UsdcLedger, Code = 10, UserData128 = OperatorId },
                new Account { Id = MerchantAccount, Ledger = UsdcLedger, Code = MerchantPayableCode, UserData128 = MerchantId, Flags = AccountFlags.DebitsMustNotExceedCredits },
            ],
            harness.Token);
        Assert.All(accounts.Results, static r => Assert.Equal(CreateAccountResult.Created, r.Result));
        var funded = await engine.CreateTransfersAsync(
            [new Transfer { Id = 1, DebitAccountId = FundingAccount, CreditAccountId = MerchantAccount, Amount = merchantFunds ?? 1_000_000_000_000, Ledger = UsdcLedger, Code = 1 }],
            UInt128.Zero,
            harness.Token);
        Assert.Equal(CreateTransferResult.Created, funded.Results[0].Result);
        return harness;
    }

    /// <summary>A pipeline as a restarted silo builds it: nothing in memory, everything from the store.</summary>
    public PayoutPipeline NewPipeline() => new(
        new LeaderElection(Store, new SiloLeaseOptions { Holder = Holder }, NullLogger<LeaderElection>.Instance),
        Store,
        Store,
        new PayoutLedger(Store, Store, Engine, TimeProvider.System, OperatorId),
        Source,
        Options,
        Metrics,
        TimeProvider.System,
        NullLoggerFactory.Instance);

    /// <summary>Restarts the silo: a new sender over the same nonce file, a new payout client and pipeline.</summary>
    public async Task RestartAsync()
    {
        Sender = await TransactionSender.CreateAsync(Anvil.Eth, DevKeys.First, noncePath, SenderOptions, Token);
        Chain = NewClient(Sender);
        Source.Current = Chain;
        Pipeline = NewPipeline();
    }

    public Task RoundAsync() => Pipeline.RunRoundAsync(Fence, Token);

    /// <summary>
    /// Runs rounds until <paramref name="done"/> holds, at most <paramref name="roundsMax"/>. After each
    /// round that is not done it waits (bounded) until anvil has mined what the round sent, then mines one
    /// more block: every next round sees the previous round's transaction one confirmation deeper, however
    /// slow the machine, so the bound counts rounds of the pipeline, not of the scheduler.
    /// </summary>
    public async Task RoundsUntilAsync(Func<Task<bool>> done, int roundsMax = 12, Func<Task<string>>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        for (var round = 0; round < roundsMax; round++)
        {
            await RoundAsync();
            if (await done())
            {
                return;
            }

            await MineAfterRoundAsync();
        }

        var state = describe is null ? string.Empty : $" ({await describe()})";
        Assert.Fail($"Not done after {roundsMax} rounds, with anvil having mined each round's transactions and a block more{state}.");
    }

    public Task RoundsUntilBatchAsync(ulong seq, PayoutBatchStatus status, int roundsMax = 12) =>
        RoundsUntilAsync(
            async () => (await Payouts.GetBatchAsync(seq, Token))?.Status == status,
            roundsMax,
            async () => $"payout batch {seq} is {(await Payouts.GetBatchAsync(seq, Token))?.Status.ToString() ?? "not opened"}, expected {status}");

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
    /// Waits (bounded) until anvil has mined the transaction recorded for batch <paramref name="seq"/> and
    /// returns its receipt: for a test that drives rounds by hand and needs the next round to find it mined.
    /// </summary>
    public async Task<RpcReceipt> MinedAsync(ulong seq)
    {
        var batch = await BatchAsync(seq);
        var hash = batch.TxHash ?? throw new InvalidOperationException($"Payout batch {seq} ({batch.Status}) has no transaction recorded.");
        return await ChainWait.ReceiptAsync(Anvil.Eth, Hash32.FromBytes(hash), Token);
    }

    public async Task<PayoutBatch> BatchAsync(ulong seq) =>
        await Payouts.GetBatchAsync(seq, Token) ?? throw new InvalidOperationException($"No payout batch {seq}.");

    public async Task<Payout> PayoutAsync(UInt128 id) =>
        await Payouts.GetPayoutAsync(id, Token) ?? throw new InvalidOperationException($"No payout {id}.");

    /// <summary>A destination address of its own for each number.</summary>
    public static byte[] Destination(int number)
    {
        var address = new byte[Address.Length];
        address[0] = 0xD0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(address.AsSpan(16), number);
        return address;
    }

    /// <summary>Records a payout of the merchant's account (token amount = amount) and, unless told otherwise, commits its hold.</summary>
    public async Task<Payout> CreatePayoutAsync(UInt128 amount, int destination, bool hold = true, DateTimeOffset? createdAt = null)
    {
        var payout = NewPayout(nextPayout++, amount, destination, createdAt ?? DateTimeOffset.UtcNow);
        var (result, stored) = await Payouts.TryAddPayoutAsync(payout, Token);
        Assert.Equal(PayoutCreation.Created, result);
        if (hold)
        {
            Assert.Null(await Ledger.CommitHoldAsync(stored, Token));
        }

        return stored;
    }

    /// <summary>Records <paramref name="count"/> payouts to destinations 0.. in creation order and commits their holds in one engine batch.</summary>
    public async Task<IReadOnlyList<Payout>> CreatePayoutsAsync(int count, UInt128 amount)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var created = new List<Payout>(count);
        for (var i = 0; i < count; i++)
        {
            var (result, stored) = await Payouts.TryAddPayoutAsync(NewPayout(nextPayout++, amount, i, start.AddTicks(i)), Token);
            Assert.Equal(PayoutCreation.Created, result);
            created.Add(stored);
        }

        var holds = await Engine.CreateTransfersAsync(
            [.. created.Select(static p => PayoutLegs.Hold(p.Id, p.AccountId, p.ClearingAccountId, p.Ledger, p.Amount))], UInt128.Zero, Token);
        Assert.All(holds.Results, static r => Assert.Equal(CreateTransferResult.Created, r.Result));
        return created;
    }

    public async Task<PendingStatus?> HoldStatusAsync(UInt128 payoutId) =>
        (await Store.GetTransferAsync(PayoutLegs.HoldId(payoutId), Token))?.Pending?.Status;

    public async Task<Account> AccountAsync(UInt128 id) =>
        await Store.GetAccountAsync(id, Token) ?? throw new InvalidOperationException($"No account {id}.");

    public Task<BigInteger> TokenBalanceAsync(byte[] address) => Stablecoin.BalanceOfAsync(Address.FromBytes(address), BlockTag.Latest, Token);

    public Task<BigInteger> TreasuryBalanceAsync() => Stablecoin.BalanceOfAsync(Treasury, BlockTag.Latest, Token);

    public Task<bool> IsPaidAsync(UInt128 payoutId) => Batcher.IsPaidAsync(Hash32.FromBytes(OnChainId.ToBytes32(payoutId)), BlockTag.Latest, Token);

    /// <summary>Every Paid event the batcher ever emitted, by payout id (eth_getLogs over the whole chain).</summary>
    public async Task<IReadOnlyList<UInt128>> PaidEventIdsAsync()
    {
        var topic0 = Hash32.FromBytes(Batcher.Client.Artifact.Event(PayoutBatcherContract.PaidEventName).Topic0);
        var logs = await Anvil.Eth.GetLogsAsync(new LogFilter(Deployment.Payouts, BlockTag.Earliest, BlockTag.Latest, [topic0]), Token);
        return [.. logs.Where(static l => !l.Removed).Select(static l => OnChainId.FromBytes32(l.Topics[1].ToBytes()) ?? throw new InvalidOperationException("A Paid id that is not ours."))];
    }

    public async Task MintAsync(Address to, BigInteger amount) => await Stablecoin.MintAsync(to, amount, Token);

    /// <summary>A sender for another dev key, with a nonce file of its own.</summary>
    public Task<TransactionSender> SenderForAsync(EthKey key) =>
        TransactionSender.CreateAsync(Anvil.Eth, key, Anvil.NewFile("other-nonces.json"), SenderOptions, Token);

    /// <summary>Moves tokens from <paramref name="from"/> by the allowance it gave <paramref name="spender"/>.</summary>
    public Task<RpcReceipt> TransferFromAsync(TransactionSender spender, Address from, Address to, BigInteger amount) =>
        Stablecoin.WithSender(spender).Client.ExecuteAsync(TransferFrom, [from, to, amount], Token);

    /// <summary>Grants PAYER_ROLE on the batcher to another key (the treasury is the admin).</summary>
    public Task<RpcReceipt> GrantPayerAsync(Address payer) =>
        Batcher.Client.ExecuteAsync(GrantRole, [Keccak256.Hash("PAYER_ROLE"), payer], Token);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Store.DisposeAsync();
        deadline.Dispose();
    }

    private ChainPayoutClient NewClient(TransactionSender sender) =>
        new(new PayoutBatcherContract(Deployment.Payouts, Anvil.Eth, sender), new TestUsdContract(Deployment.Stablecoin, Anvil.Eth, sender), sender, Confirmations);

    private static Payout NewPayout(ulong id, UInt128 amount, int destination, DateTimeOffset createdAt) => new(
        id,
        MerchantId,
        MerchantAccount,
        OperatorAccounts.PayoutClearingId(UsdcLedger),
        UsdcLedger,
        amount,
        amount,
        PayoutRail.Erc20,
        Destination(destination),
        PayoutLegs.HoldId(id),
        PayoutStatus.Pending,
        null,
        null,
        createdAt,
        createdAt);
}

/// <summary>A payout chain source the test sets: none (a node without a chain), or a given client.</summary>
public sealed class SwitchablePayoutSource : IPayoutChainSource
{
    public IPayoutChain? Current { get; set; }
}

/// <summary>Thrown from the crash hook: the process "dies" at that point.</summary>
public sealed class SimulatedPayoutCrashException(PayoutCrashPoint point) : Exception($"Simulated crash at {point}.")
{
    public PayoutCrashPoint Point { get; } = point;
}
