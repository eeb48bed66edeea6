using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Sending;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Ledger.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Silo.Tests.Infrastructure;

/// <summary>
/// One settlement pipeline under test: a SQLite ledger with a running engine, fresh contracts on the
/// class's anvil, an anchor client with its own nonce file, and the silo lease taken so rounds run under
/// a real fence. Rounds are driven by the test, one at a time.
/// </summary>
public sealed class SiloHarness : IAsyncDisposable
{
    public const string Holder = "silo-test";

    /// <summary>Bank A, B and C own accounts 1, 2 and 3.</summary>
    public static readonly UInt128 BankA = 0xA, BankB = 0xB, BankC = 0xC;

    public static readonly TransactionSenderOptions FastOptions = new()
    {
        ReceiptPollInterval = TimeSpan.FromMilliseconds(20),
        ReceiptTimeout = TimeSpan.FromSeconds(20),
    };

    private readonly CancellationTokenSource deadline = new(TimeSpan.FromMinutes(2));
    private readonly string noncePath;
    private ulong nextId = 1000;

    private SiloHarness(AnvilChain anvil, SqliteLedgerStore store, LedgerEngine engine, string noncePath, ContractDeployment deployment, ChainAnchorClient chain, SettlementFence fence, int confirmations)
    {
        Anvil = anvil;
        Store = store;
        Engine = engine;
        this.noncePath = noncePath;
        Deployment = deployment;
        Chain = chain;
        Fence = fence;
        Confirmations = confirmations;
        Source = new SwitchableChainSource { Current = chain };
        Pipeline = NewPipeline();
    }

    public AnvilChain Anvil { get; }

    public SqliteLedgerStore Store { get; }

    public ISettlementStore Settlements => Store;

    public LedgerEngine Engine { get; }

    public ContractDeployment Deployment { get; }

    public ChainAnchorClient Chain { get; }

    public SwitchableChainSource Source { get; }

    public SettlementFence Fence { get; }

    public int Confirmations { get; }

    public SettlementPipeline Pipeline { get; private set; }

    public CancellationToken Token => deadline.Token;

    public SettlementAnchorContract Anchor => new(Deployment.Anchor, Anvil.Eth, sender: null);

    public MerkleLog Merkle => new(Store);

    public static async Task<SiloHarness> StartAsync(AnvilChain anvil, int confirmations = 3)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var store = new SqliteLedgerStore(anvil.NewFile("ledger.db"));
        await store.InitializeAsync(CancellationToken.None);
        var engine = new LedgerEngine(store, TimeProvider.System);
        engine.Start();
        var noncePath = anvil.NewFile("nonces.json");
        var sender = await TransactionSender.CreateAsync(anvil.Eth, DevKeys.First, noncePath, FastOptions, CancellationToken.None);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var chain = new ChainAnchorClient(new SettlementAnchorContract(deployment.Anchor, anvil.Eth, sender), sender, confirmations);
        var grant = await store.TryAcquireAsync(SiloLeaseOptions.LeaseName, Holder, TimeSpan.FromMinutes(10), CancellationToken.None)
            ?? throw new InvalidOperationException("The fresh store refused the silo lease.");
        var harness = new SiloHarness(anvil, store, engine, noncePath, deployment, chain, new SettlementFence(SiloLeaseOptions.LeaseName, grant.Epoch), confirmations);
        await engine.CreateAccountsAsync(
            [Account(1, BankA), Account(2, BankB), Account(3, BankC)],
            CancellationToken.None);
        return harness;
    }

    /// <summary>A pipeline as a restarted silo builds it: nothing in memory, everything from the store.</summary>
    public SettlementPipeline NewPipeline() => new(
        new LeaderElection(Store, new SiloLeaseOptions { Holder = Holder }, NullLogger<LeaderElection>.Instance),
        Store,
        Source,
        new SettlementOptions { Interval = TimeSpan.FromMilliseconds(100) },
        TimeProvider.System,
        NullLoggerFactory.Instance);

    /// <summary>Restarts the silo: a new sender over the same nonce file, a new anchor client and pipeline.</summary>
    public async Task<ChainAnchorClient> RestartAsync()
    {
        var sender = await TransactionSender.CreateAsync(Anvil.Eth, DevKeys.First, noncePath, FastOptions, Token);
        var chain = new ChainAnchorClient(new SettlementAnchorContract(Deployment.Anchor, Anvil.Eth, sender), sender, Confirmations);
        Source.Current = chain;
        Pipeline = NewPipeline();
        return chain;
    }

    public Task RoundAsync() => Pipeline.RunRoundAsync(Fence, Token);

    /// <summary>
    /// Runs rounds until <paramref name="done"/> holds, at most <paramref name="roundsMax"/>. Between
    /// rounds it waits (bounded) until anvil has mined what the round sent, so each round sees the chain
    /// its predecessor left, however slow the machine: the bound counts rounds of the pipeline, not of the scheduler.
    /// </summary>
    public async Task RoundsUntilAsync(Func<Task<bool>> done, int roundsMax = 10)
    {
        ArgumentNullException.ThrowIfNull(done);
        for (var round = 0; round < roundsMax; round++)
        {
            await RoundAsync();
            if (await done())
            {
                return;
            }

            await ChainWait.PoolMinedAsync(Anvil.Rpc, Token);
        }

        Assert.Fail($"Not done after {roundsMax} rounds (anvil had mined every transaction sent before each next round).");
    }

    public async Task<AnchorStatus> StatusAsync(ulong seq) =>
        (await Settlements.GetSettlementAsync(seq, Token) ?? throw new InvalidOperationException($"No settlement {seq}.")).Anchor.Status;

    /// <summary>
    /// One round of business: A pays B 100, B pays C 30, A holds 50 for C and posts 20 of it, A holds 9
    /// for B and voids it. Nets: A −120, B +70, C +50. Six transfers.
    /// </summary>
    public async Task CommitRoundAsync()
    {
        var hold = nextId++;
        var voided = nextId++;
        Transfer[] transfers =
        [
            Transfer(nextId++, 1, 2, 100),
            Transfer(nextId++, 2, 3, 30),
            Transfer(hold, 1, 3, 50) with { Flags = TransferFlags.Pending },
            new() { Id = nextId++, PendingId = hold, Amount = 20, Flags = TransferFlags.PostPending },
            Transfer(voided, 1, 2, 9) with { Flags = TransferFlags.Pending },
            new() { Id = nextId++, PendingId = voided, Amount = Ledger.Core.Domain.Transfer.AmountMax, Flags = TransferFlags.VoidPending },
        ];
        var outcome = await Engine.CreateTransfersAsync(transfers, UInt128.Zero, Token);
        Assert.All(outcome.Results, static r => Assert.Equal(CreateTransferResult.Created, r.Result));
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Store.DisposeAsync();
        deadline.Dispose();
    }

    private static Account Account(UInt128 id, UInt128 owner) => new() { Id = id, Ledger = 1, Code = 10, UserData128 = owner };

    private static Transfer Transfer(ulong id, UInt128 debit, UInt128 credit, UInt128 amount) =>
        new() { Id = id, DebitAccountId = debit, CreditAccountId = credit, Amount = amount, Ledger = 1, Code = 1 };
}
