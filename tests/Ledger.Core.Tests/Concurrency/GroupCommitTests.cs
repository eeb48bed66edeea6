using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Concurrency;

public sealed class SqliteGroupCommitTests(SqliteStoreFixture fixture) : GroupCommitTests<SqliteStoreFixture>(fixture);

public sealed class PostgresGroupCommitTests(PostgresStoreFixture fixture) : GroupCommitTests<PostgresStoreFixture>(fixture);

/// <summary>Many callers at once: every request commits, the engine coalesces them, and commit order is one total order.</summary>
public abstract class GroupCommitTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const int Callers = 400;
    private const int TransfersPerRequest = 3;

    [Fact]
    public async Task Concurrent_requests_all_commit_coalesced_with_strictly_increasing_timestamps()
    {
        var accounts = Enumerable.Range(1, 20).Select(i => Account((UInt128)i, flags: i == 1 ? AccountFlags.History : AccountFlags.None)).ToArray();
        await Ledger.CreateAccountsCreatedAsync(accounts);
        var batchesBefore = Ledger.Engine.Metrics.BatchesCommitted;
        using var start = new ManualResetEventSlim(false);

        var requests = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            start.Wait(Ledger.Token);
            var transfers = Enumerable.Range(0, TransfersPerRequest).Select(k =>
            {
                var id = (UInt128)(100_000 + (caller * TransfersPerRequest) + k);
                var debit = (UInt128)(1 + ((caller + k) % 20));
                var credit = (UInt128)(1 + ((caller + k + 1) % 20));
                return Transfer(id, debit, credit, (UInt128)(k + 1));
            }).ToArray();
            return (Transfers: transfers, Outcome: await Ledger.SubmitAsync(transfers));
        })).ToArray();
        start.Set();
        var completed = await Task.WhenAll(requests);

        foreach (var (transfers, outcome) in completed)
        {
            Assert.False(outcome.Forbidden);
            Assert.Equal(transfers.Select(t => t.Id), outcome.Results.Select(r => r.Id));
            Assert.All(outcome.Results, r => Assert.Equal(CreateTransferResult.Created, r.Result));

            // A request's events commit together, consecutively.
            for (var k = 1; k < outcome.Results.Count; k++)
            {
                Assert.Equal(outcome.Results[k - 1].Timestamp + 1, outcome.Results[k].Timestamp);
            }
        }

        var batches = Ledger.Engine.Metrics.BatchesCommitted - batchesBefore;
        Assert.True(batches < Callers, $"{Callers} requests took {batches} commit batches: group commit did not coalesce");
        Assert.True(batches >= 1);
        Assert.Equal(Callers * TransfersPerRequest, Ledger.Engine.Metrics.TransfersCommitted);

        // Read the log back by index: it holds every transfer once, in strictly increasing timestamp order.
        const int Total = Callers * TransfersPerRequest;
        var byIndex = new Transfer[Total];
        foreach (var (transfers, outcome) in completed)
        {
            for (var k = 0; k < transfers.Length; k++)
            {
                var stored = await Ledger.TransferAsync(transfers[k].Id);
                Assert.Equal(outcome.Results[k].Timestamp, stored.Transfer.Timestamp);
                Assert.True(stored.LogIndex < Total);
                Assert.Equal(default, byIndex[stored.LogIndex]);
                byIndex[stored.LogIndex] = stored.Transfer;
            }
        }

        for (var i = 1; i < Total; i++)
        {
            Assert.True(byIndex[i - 1].Timestamp < byIndex[i].Timestamp, $"log index {i} does not follow {i - 1} in time");
        }

        Assert.Equal(new Storage.LedgerHead(byIndex[^1].Timestamp, Total), await Ledger.Store.GetHeadAsync(Ledger.Token));

        // Every account nets to what its transfers say, and the books balance.
        var expected = new Dictionary<UInt128, (UInt128 Debits, UInt128 Credits)>();
        foreach (var t in byIndex)
        {
            expected.TryGetValue(t.DebitAccountId, out var d);
            expected[t.DebitAccountId] = (d.Debits + t.Amount, d.Credits);
            expected.TryGetValue(t.CreditAccountId, out var c);
            expected[t.CreditAccountId] = (c.Debits, c.Credits + t.Amount);
        }

        foreach (var (id, (debits, credits)) in expected)
        {
            await Ledger.AssertBalancesAsync(id, 0, debits, 0, credits);
        }

        await Ledger.AssertBooksBalanceAsync();
        var history = await Ledger.Store.GetAccountBalancesAsync(1, 0, LedgerLimits.HistoryPageMax, Ledger.Token);
        Assert.Equal(byIndex.Count(t => t.DebitAccountId == 1 || t.CreditAccountId == 1), history.Count);
    }

    [Fact]
    public async Task Concurrent_retries_of_the_same_ids_create_each_transfer_once()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1), Account(2));
        var transfers = Enumerable.Range(0, 10).Select(i => Transfer((UInt128)(500 + i), 1, 2, 1)).ToArray();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Ledger.SubmitAsync(transfers))));

        for (var i = 0; i < transfers.Length; i++)
        {
            var results = outcomes.Select(o => o.Results[i]).ToList();
            Assert.Equal(1, results.Count(r => r.Result == CreateTransferResult.Created));
            Assert.Equal(49, results.Count(r => r.Result == CreateTransferResult.Exists));
            Assert.Single(results.Select(r => r.Timestamp).Distinct());
        }

        await Ledger.AssertBalancesAsync(1, 0, 10, 0, 0);
    }
}
