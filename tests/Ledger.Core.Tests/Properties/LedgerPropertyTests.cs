using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Properties;

public sealed class SqliteLedgerPropertyTests(SqliteStoreFixture fixture) : LedgerPropertyTests<SqliteStoreFixture>(fixture);

public sealed class PostgresLedgerPropertyTests(PostgresStoreFixture fixture) : LedgerPropertyTests<PostgresStoreFixture>(fixture);

/// <summary>
/// Random batches through <see cref="LedgerEngine"/> over a real store, checked against
/// <see cref="ReferenceLedger"/>: every result, every timestamp, every balance and every stored transfer
/// agree; per ledger debits equal credits; no account ever breaks its balance limit.
/// </summary>
public abstract class LedgerPropertyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, ILedgerStoreFixture
{
    /// <summary>Bounded so the run takes seconds: each case is a fresh store and up to six commits.</summary>
    private const int Cases = 80;

    private static readonly BigInteger Modulus = BigInteger.One << 128;

    [Fact]
    public void Engine_agrees_with_the_reference_model_and_the_books_balance()
    {
        var property = Prop.ForAll(Scenario.Arbitrary, scenario => ScenarioRunner.Run(() => RunAsync(scenario)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithName("ledger engine vs reference model"), property);
    }

    /// <summary>
    /// The same scenarios with every request queued at once, so the engine coalesces them into shared
    /// commit batches (several requests, chains and refusals in one working set). The clock stands
    /// still, so results do not depend on how the requests were grouped; timestamps are then checked
    /// only for their order.
    /// </summary>
    [Fact]
    public void Coalesced_requests_agree_with_the_reference_model_run_one_by_one()
    {
        var property = Prop.ForAll(Scenario.Arbitrary, scenario => ScenarioRunner.Run(() => RunCoalescedAsync(scenario)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases / 2).WithName("coalesced requests vs reference model"), property);
    }

    private async Task RunCoalescedAsync(Scenario scenario)
    {
        var clock = new ManualClock();
        await using var ledger = await LedgerHarness.StartAsync(fixture, clock);
        var model = new ReferenceLedger();
        var accounts = Accounts(scenario);
        model.CreateAccounts(accounts, clock.NowNanoseconds);
        await ledger.CreateAccountsCreatedAsync(accounts);

        var maker = new EventMaker(scenario, model);
        var submittedIds = new HashSet<UInt128>();
        var requests = new List<(Transfer[] Transfers, ModelOutcome Predicted, Task<StateMachine.CreateTransfersOutcome> Actual)>();
        var batchesBefore = ledger.Engine.Metrics.BatchesCommitted;
        foreach (var batch in scenario.Batches)
        {
            var transfers = batch.Events.Select(maker.Make).ToArray();
            submittedIds.UnionWith(transfers.Select(t => t.Id));
            var principal = (UInt128)batch.Principal;
            var predicted = model.CreateTransfers(transfers, principal, clock.NowNanoseconds);
            requests.Add((transfers, predicted, ledger.Engine.CreateTransfersAsync(transfers, principal, ledger.Token)));
        }

        for (var b = 0; b < requests.Count; b++)
        {
            AssertSameOutcome(b, requests[b].Transfers, requests[b].Predicted, await requests[b].Actual, compareTimestamps: false);
        }

        Assert.True(ledger.Engine.Metrics.BatchesCommitted - batchesBefore <= requests.Count);
        await AssertAccountsAsync(ledger, model, "after all requests");
        await AssertTransfersAsync(ledger, model, submittedIds, compareTimestamps: false);
        await AssertBooksAsync(ledger, model);
    }

    private static Account[] Accounts(Scenario scenario) =>
        [.. scenario.Accounts.Select((a, i) => new Account
        {
            Id = EventMaker.AccountId(i),
            Ledger = EventMaker.LedgerOf(a),
            Code = 10,
            UserData128 = (UInt128)a.Owner,
            Flags = (a.Limit switch
            {
                1 => AccountFlags.DebitsMustNotExceedCredits,
                2 => AccountFlags.CreditsMustNotExceedDebits,
                _ => AccountFlags.None,
            }) | (a.History ? AccountFlags.History : AccountFlags.None),
        })];

    private async Task RunAsync(Scenario scenario)
    {
        var clock = new ManualClock();
        await using var ledger = await LedgerHarness.StartAsync(fixture, clock);
        var model = new ReferenceLedger();
        var accounts = Accounts(scenario);
        model.CreateAccounts(accounts, clock.NowNanoseconds);
        await ledger.CreateAccountsCreatedAsync(accounts);

        var maker = new EventMaker(scenario, model);
        var submittedIds = new HashSet<UInt128>();
        for (var b = 0; b < scenario.Batches.Length; b++)
        {
            var batch = scenario.Batches[b];
            clock.Advance(TimeSpan.FromMilliseconds(batch.AdvanceMilliseconds));
            if (batch.ExpireFirst)
            {
                var expected = model.Expire(clock.NowNanoseconds);
                Assert.True(expected == await ledger.ExpireAsync(), $"batch {b}: the expiry pulse should release {expected}");
            }

            var transfers = batch.Events.Select(maker.Make).ToArray();
            submittedIds.UnionWith(transfers.Select(t => t.Id));
            var principal = (UInt128)batch.Principal;
            var predicted = model.CreateTransfers(transfers, principal, clock.NowNanoseconds);
            var actual = await ledger.Engine.CreateTransfersAsync(transfers, principal, ledger.Token);
            AssertSameOutcome(b, transfers, predicted, actual);
            await AssertAccountsAsync(ledger, model, $"after batch {b}");
        }

        await AssertTransfersAsync(ledger, model, submittedIds);
        await AssertBooksAsync(ledger, model);
    }

    private static void AssertSameOutcome(int batch, Transfer[] transfers, ModelOutcome predicted, StateMachine.CreateTransfersOutcome actual, bool compareTimestamps = true)
    {
        var same = predicted.ForbiddenIndex == actual.ForbiddenIndex && predicted.Results.Count == actual.Results.Count;
        for (var i = 0; same && i < predicted.Results.Count; i++)
        {
            var p = predicted.Results[i];
            var a = actual.Results[i];
            same = p.Result == a.Result && a.Index == i && a.Id == transfers[i].Id &&
                (!compareTimestamps || p.Result == CreateTransferResult.LinkedEventFailed || p.Timestamp == a.Timestamp);
        }

        if (!same)
        {
            var text = new StringBuilder($"batch {batch}: results differ (forbidden index predicted {predicted.ForbiddenIndex}, actual {actual.ForbiddenIndex})\n");
            for (var i = 0; i < transfers.Length; i++)
            {
                var t = transfers[i];
                text.Append($"  [{i}] id {t.Id} dr {t.DebitAccountId} cr {t.CreditAccountId} amount {t.Amount} pending_id {t.PendingId} flags {t.Flags} timeout {t.TimeoutSeconds} ledger {t.Ledger} code {t.Code} ud64 {t.UserData64}: ");
                text.Append(i < predicted.Results.Count ? $"model {predicted.Results[i].Result}@{predicted.Results[i].Timestamp}" : "model -");
                text.Append(i < actual.Results.Count ? $", engine {actual.Results[i].Result}@{actual.Results[i].Timestamp}\n" : ", engine -\n");
            }

            Assert.Fail(text.ToString());
        }
    }

    private static async Task AssertAccountsAsync(LedgerHarness ledger, ReferenceLedger model, string when)
    {
        foreach (var expected in model.Accounts.Values)
        {
            var actual = await ledger.AccountAsync(expected.Id);
            var expectedFlags = expected.Flags | (expected.Closed ? AccountFlags.Closed : AccountFlags.None);
            Assert.True(
                (BigInteger)actual.DebitsPending == expected.DebitsPending && (BigInteger)actual.DebitsPosted == expected.DebitsPosted &&
                (BigInteger)actual.CreditsPending == expected.CreditsPending && (BigInteger)actual.CreditsPosted == expected.CreditsPosted &&
                actual.Flags == expectedFlags,
                $"{when}: account {expected.Id} is ({actual.DebitsPending}, {actual.DebitsPosted}, {actual.CreditsPending}, {actual.CreditsPosted}, {actual.Flags}), " +
                $"the model says ({expected.DebitsPending}, {expected.DebitsPosted}, {expected.CreditsPending}, {expected.CreditsPosted}, {expectedFlags})");

            // The balance limits hold at every step, not only at the end.
            if (actual.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits))
            {
                Assert.True((BigInteger)actual.DebitsPending + actual.DebitsPosted <= actual.CreditsPosted, $"{when}: account {actual.Id} debits exceed credits");
            }

            if (actual.Flags.HasFlag(AccountFlags.CreditsMustNotExceedDebits))
            {
                Assert.True((BigInteger)actual.CreditsPending + actual.CreditsPosted <= actual.DebitsPosted, $"{when}: account {actual.Id} credits exceed debits");
            }
        }
    }

    private static async Task AssertTransfersAsync(LedgerHarness ledger, ReferenceLedger model, HashSet<UInt128> submittedIds, bool compareTimestamps = true)
    {
        ulong previous = 0;
        for (var i = 0; i < model.Log.Count; i++)
        {
            var id = model.Log[i];
            var stored = await ledger.TransferAsync(id);
            Assert.Equal(model.Transfers[id] with { Timestamp = compareTimestamps ? model.Transfers[id].Timestamp : stored.Transfer.Timestamp }, stored.Transfer);
            Assert.True(stored.Transfer.Timestamp > previous, "timestamps strictly increase in log order");
            previous = stored.Transfer.Timestamp;
            Assert.Equal((ulong)i, stored.LogIndex);
            if (model.Pending.TryGetValue(id, out var pending))
            {
                Assert.NotNull(stored.Pending);
                Assert.Equal((PendingStatus)((int)pending.Status + 1), stored.Pending.Value.Status);
                Assert.Equal(compareTimestamps ? pending.ExpiresAt : stored.Pending.Value.ExpiresAt, stored.Pending.Value.ExpiresAt);
            }
            else
            {
                Assert.Null(stored.Pending);
            }
        }

        foreach (var id in submittedIds.Where(id => !model.Transfers.ContainsKey(id) && id != UInt128.Zero && id != UInt128.MaxValue))
        {
            Assert.False(await ledger.TransferExistsAsync(id), $"transfer {id} failed in the model but is stored");
        }

        var head = await ledger.Store.GetHeadAsync(ledger.Token);
        Assert.Equal((ulong)model.Log.Count, head.LogSize);
        if (compareTimestamps)
        {
            Assert.Equal(model.LastTimestamp, head.LastTimestamp);
        }
        else
        {
            Assert.True(head.LastTimestamp >= previous, "the head is at or after the last transfer");
        }
    }

    private static async Task AssertBooksAsync(LedgerHarness ledger, ReferenceLedger model)
    {
        var sums = new Dictionary<uint, (BigInteger DebitsPending, BigInteger DebitsPosted, BigInteger CreditsPending, BigInteger CreditsPosted)>();
        foreach (var id in model.Accounts.Keys)
        {
            var a = await ledger.AccountAsync(id);
            sums.TryGetValue(a.Ledger, out var s);
            sums[a.Ledger] = (s.DebitsPending + a.DebitsPending, s.DebitsPosted + a.DebitsPosted, s.CreditsPending + a.CreditsPending, s.CreditsPosted + a.CreditsPosted);
        }

        foreach (var (ledgerId, s) in sums)
        {
            Assert.True(s.DebitsPending == s.CreditsPending, $"ledger {ledgerId}: pending debits {s.DebitsPending} != pending credits {s.CreditsPending}");
            Assert.True(s.DebitsPosted == s.CreditsPosted, $"ledger {ledgerId}: posted debits {s.DebitsPosted} != posted credits {s.CreditsPosted}");
        }

        // The store sums modulo 2^128 (a ledger's total may pass 2^128 - 1); it must agree with the exact sums reduced.
        var totals = await ledger.Store.GetLedgerTotalsAsync(ledger.Token);
        Assert.Equal(sums.Keys.Order(), totals.Select(t => t.Ledger).Order());
        foreach (var t in totals)
        {
            var s = sums[t.Ledger];
            Assert.True(t.Balanced, $"ledger {t.Ledger} totals {t}");
            Assert.Equal((UInt128)(s.DebitsPending % Modulus), t.DebitsPending);
            Assert.Equal((UInt128)(s.DebitsPosted % Modulus), t.DebitsPosted);
            Assert.Equal((UInt128)(s.CreditsPending % Modulus), t.CreditsPending);
            Assert.Equal((UInt128)(s.CreditsPosted % Modulus), t.CreditsPosted);
        }
    }
}

/// <summary>
/// Runs an async scenario to completion for FsCheck, whose properties are synchronous. The work runs on
/// the thread pool, away from xunit's synchronisation context, so blocking here cannot deadlock.
/// </summary>
internal static class ScenarioRunner
{
    public static bool Run(Func<Task> scenario)
    {
        Task.Run(scenario).GetAwaiter().GetResult();
        return true;
    }
}
