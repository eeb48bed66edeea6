using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Storage.Postgres;
using Npgsql;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Stores;

/// <summary>
/// Two nodes (two stores, two engines) over one database, as in a cluster: under concurrent load on
/// shared hot accounts they commit one total order, lose no update, and create each transfer id once.
/// </summary>
public sealed class PostgresTwoNodeTests(PostgresStoreFixture fixture) : IClassFixture<PostgresStoreFixture>, IAsyncLifetime
{
    private const int HotAccounts = 6;
    private const int CallersPerNode = 24;
    private const int RequestsPerCaller = 8;
    private const int TransfersPerRequest = 5;

    private readonly CancellationTokenSource deadline = new(LedgerHarness.Deadline);
    private readonly List<LedgerEngine> engines = [];
    private PostgresNodes? nodes;

    private PostgresNodes Nodes => nodes ?? throw new InvalidOperationException("Not initialised.");

    private IReadOnlyList<PostgresLedgerStore> Stores => Nodes.Stores;

    private CancellationToken Token => deadline.Token;

    public async Task InitializeAsync()
    {
        nodes = await PostgresNodes.CreateAsync(fixture, 2, initialize: true, Token);
        foreach (var store in nodes.Stores)
        {
            var engine = new LedgerEngine(store, TimeProvider.System);
            engines.Add(engine);
            engine.Start();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in engines)
        {
            await engine.DisposeAsync();
        }

        if (nodes is not null)
        {
            await nodes.DisposeAsync();
        }

        deadline.Dispose();
    }

    [Fact]
    public async Task Two_nodes_under_load_on_hot_accounts_commit_one_order_and_lose_no_update()
    {
        var accounts = Enumerable.Range(1, HotAccounts).Select(i => Account((UInt128)i, flags: i == 1 ? AccountFlags.History : AccountFlags.None)).ToArray();
        var created = await engines[0].CreateAccountsAsync(accounts, Token);
        Assert.All(created.Results, r => Assert.Equal(CreateAccountResult.Created, r.Result));

        using var start = new ManualResetEventSlim(false);
        var callers = new List<Task<List<(Transfer Transfer, TransferEventResult Result)>>>();
        for (var node = 0; node < engines.Count; node++)
        {
            for (var caller = 0; caller < CallersPerNode; caller++)
            {
                var (engine, seed) = (engines[node], (node * CallersPerNode) + caller);
                callers.Add(Task.Run(() => CallAsync(engine, seed, start)));
            }
        }

        start.Set();
        var submitted = (await Task.WhenAll(callers)).SelectMany(c => c).ToList();
        Assert.All(submitted, s => Assert.Equal(CreateTransferResult.Created, s.Result.Result));
        Assert.All(engines, e => Assert.True(e.Metrics.TransfersCommitted > 0, "both nodes committed transfers"));

        // The log: every transfer once, log indexes 0..n-1, timestamps strictly increasing with the index.
        var log = await ReadLogAsync();
        Assert.Equal(submitted.Count, log.Count);
        Assert.Equal(submitted.Count, log.Select(l => l.Id).Distinct().Count());
        for (var i = 0; i < log.Count; i++)
        {
            Assert.Equal(i, log[i].LogIndex);
            Assert.True(i == 0 || log[i - 1].Timestamp < log[i].Timestamp, $"log index {i} does not follow {i - 1} in time");
        }

        var timestamps = log.ToDictionary(l => l.Id, l => l.Timestamp);
        Assert.All(submitted, s => Assert.Equal(s.Result.Timestamp, timestamps[s.Transfer.Id]));
        Assert.Equal(new LedgerHead(log[^1].Timestamp, (ulong)log.Count), await Stores[1].GetHeadAsync(Token));

        // No lost update: each account's balances are the sums of the transfers committed on it, through either node.
        foreach (var account in accounts)
        {
            var debits = Sum(submitted.Where(s => s.Transfer.DebitAccountId == account.Id));
            var credits = Sum(submitted.Where(s => s.Transfer.CreditAccountId == account.Id));
            var stored = await Stores[0].GetAccountAsync(account.Id, Token);
            Assert.Equal((debits, credits), (stored!.Value.DebitsPosted, stored.Value.CreditsPosted));
        }

        Assert.All(await Stores[1].GetLedgerTotalsAsync(Token), t => Assert.True(t.Balanced, $"ledger {t.Ledger} balances: {t}"));
        var history = await Stores[0].GetAccountBalancesAsync(1, 0, LedgerLimits.HistoryPageMax, Token);
        Assert.Equal(Math.Min(LedgerLimits.HistoryPageMax, submitted.Count(s => s.Transfer.DebitAccountId == 1 || s.Transfer.CreditAccountId == 1)), history.Count);
    }

    [Fact]
    public async Task The_same_transfer_sent_to_both_nodes_at_once_commits_once()
    {
        const int Rounds = 25;
        var created = await engines[1].CreateAccountsAsync([Account(1), Account(2)], Token);
        Assert.All(created.Results, r => Assert.Equal(CreateAccountResult.Created, r.Result));

        for (var round = 0; round < Rounds; round++)
        {
            var transfer = Transfer((UInt128)(1000 + round), 1, 2, 1);
            using var start = new ManualResetEventSlim(false);
            var sends = engines.Select(engine => Task.Run(async () =>
            {
                start.Wait(Token);
                return (await engine.CreateTransfersAsync([transfer], UInt128.Zero, Token)).Results[0];
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(sends);

            Assert.Equal(
                [CreateTransferResult.Created, CreateTransferResult.Exists],
                results.Select(r => r.Result).Order());
            Assert.Single(results.Select(r => r.Timestamp).Distinct());
        }

        var debited = await Stores[0].GetAccountAsync(1, Token);
        Assert.Equal((UInt128)Rounds, debited!.Value.DebitsPosted);
        Assert.Equal((ulong)Rounds, (await Stores[1].GetHeadAsync(Token)).LogSize);
    }

    private static async Task<List<(Transfer Transfer, TransferEventResult Result)>> CallAsync(LedgerEngine engine, int seed, ManualResetEventSlim start)
    {
        var random = new Random(seed);
        var sent = new List<(Transfer, TransferEventResult)>();
        start.Wait();
        for (var request = 0; request < RequestsPerCaller; request++)
        {
            var transfers = new Transfer[TransfersPerRequest];
            for (var k = 0; k < transfers.Length; k++)
            {
                var debit = random.Next(1, HotAccounts + 1);
                var credit = 1 + ((debit + random.Next(0, HotAccounts - 1)) % HotAccounts);
                var id = (UInt128)(1_000_000 + (((seed * RequestsPerCaller) + request) * TransfersPerRequest) + k);
                transfers[k] = Transfer(id, (UInt128)debit, (UInt128)credit, (UInt128)random.Next(1, 1000));
            }

            var outcome = await engine.CreateTransfersAsync(transfers, UInt128.Zero, CancellationToken.None);
            sent.AddRange(transfers.Zip(outcome.Results));
        }

        return sent;
    }

    private static UInt128 Sum(IEnumerable<(Transfer Transfer, TransferEventResult Result)> transfers) =>
        transfers.Aggregate(UInt128.Zero, (sum, t) => sum + t.Transfer.Amount);

    private async Task<List<(long LogIndex, UInt128 Id, ulong Timestamp)>> ReadLogAsync()
    {
        await using var connection = new NpgsqlConnection(Nodes.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT log_index, id, timestamp FROM transfers ORDER BY log_index", connection);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var log = new List<(long, UInt128, ulong)>();
        while (await reader.ReadAsync(Token))
        {
            log.Add((reader.GetInt64(0), System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(reader.GetFieldValue<byte[]>(1)), (ulong)reader.GetInt64(2)));
        }

        return log;
    }
}
