using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// A started <see cref="LedgerEngine"/> over a fresh store and a <see cref="ManualClock"/>, with the small
/// helpers the tests share. Every call is bounded by one deadline so a hung engine fails the test instead
/// of hanging the run.
/// </summary>
public sealed class LedgerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource deadline = new(Deadline);

    private LedgerHarness(ILedgerStore store, ManualClock clock)
    {
        Store = store;
        Clock = clock;
        Engine = new LedgerEngine(store, clock);
        Engine.Start();
    }

    public ILedgerStore Store { get; }

    public ManualClock Clock { get; }

    public LedgerEngine Engine { get; }

    public CancellationToken Token => deadline.Token;

    public static async Task<LedgerHarness> StartAsync(ILedgerStoreFixture fixture, ManualClock? clock = null)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var store = await fixture.CreateStoreAsync(timeout.Token);
        return new LedgerHarness(store, clock ?? new ManualClock());
    }

    public Task<CreateAccountsOutcome> CreateAccountsAsync(params Account[] accounts) => Engine.CreateAccountsAsync(accounts, Token);

    /// <summary>Creates the accounts and asserts that every one was created.</summary>
    public async Task CreateAccountsCreatedAsync(params Account[] accounts)
    {
        var outcome = await Engine.CreateAccountsAsync(accounts, Token);
        Assert.All(outcome.Results, r => Assert.Equal(CreateAccountResult.Created, r.Result));
    }

    public Task<CreateTransfersOutcome> SubmitAsync(params Transfer[] transfers) => Engine.CreateTransfersAsync(transfers, UInt128.Zero, Token);

    public Task<CreateTransfersOutcome> SubmitAsAsync(UInt128 principal, params Transfer[] transfers) => Engine.CreateTransfersAsync(transfers, principal, Token);

    /// <summary>The result codes of one request submitted by the operator, which must not be refused.</summary>
    public async Task<CreateTransferResult[]> ResultsAsync(params Transfer[] transfers)
    {
        var outcome = await SubmitAsync(transfers);
        Assert.False(outcome.Forbidden);
        Assert.Equal(transfers.Length, outcome.Results.Count);
        for (var i = 0; i < outcome.Results.Count; i++)
        {
            Assert.Equal(i, outcome.Results[i].Index);
            Assert.Equal(transfers[i].Id, outcome.Results[i].Id);
        }

        return [.. outcome.Results.Select(r => r.Result)];
    }

    public async Task<CreateTransferResult> ResultAsync(Transfer transfer) => (await ResultsAsync(transfer))[0];

    /// <summary>Submits the transfers and asserts that every one was created.</summary>
    public async Task<IReadOnlyList<TransferEventResult>> CreatedAsync(params Transfer[] transfers)
    {
        var outcome = await SubmitAsync(transfers);
        Assert.False(outcome.Forbidden);
        Assert.All(outcome.Results, r => Assert.Equal(CreateTransferResult.Created, r.Result));
        return outcome.Results;
    }

    public async Task<Account> AccountAsync(UInt128 id)
    {
        var account = await Store.GetAccountAsync(id, Token);
        Assert.True(account.HasValue, $"account {id} exists");
        return account.Value;
    }

    public async Task<StoredTransfer> TransferAsync(UInt128 id)
    {
        var transfer = await Store.GetTransferAsync(id, Token);
        Assert.True(transfer.HasValue, $"transfer {id} exists");
        return transfer.Value;
    }

    public async Task<bool> TransferExistsAsync(UInt128 id) => (await Store.GetTransferAsync(id, Token)).HasValue;

    public Task<int> ExpireAsync() => Engine.ExpirePendingAsync(Token);

    /// <summary>Asserts the four balances of an account, in TigerBeetle's order.</summary>
    public async Task AssertBalancesAsync(UInt128 id, UInt128 debitsPending, UInt128 debitsPosted, UInt128 creditsPending, UInt128 creditsPosted)
    {
        var a = await AccountAsync(id);
        Assert.Equal(
            (debitsPending, debitsPosted, creditsPending, creditsPosted),
            (a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted));
    }

    /// <summary>Asserts that, per ledger, debits equal credits for pending and for posted balances.</summary>
    public async Task AssertBooksBalanceAsync()
    {
        foreach (var totals in await Store.GetLedgerTotalsAsync(Token))
        {
            Assert.True(totals.Balanced, $"ledger {totals.Ledger} balances: {totals}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Store.DisposeAsync();
        deadline.Dispose();
    }
}
