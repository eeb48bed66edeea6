using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;
using R = Ledger.Core.Domain.CreateAccountResult;

namespace Ledger.Core.Tests.Rules;

public sealed class SqliteAccountResultTests(SqliteStoreFixture fixture) : AccountResultTests<SqliteStoreFixture>(fixture);

public sealed class PostgresAccountResultTests(PostgresStoreFixture fixture) : AccountResultTests<PostgresStoreFixture>(fixture);

/// <summary>One test per <see cref="CreateAccountResult"/> member, named after it.</summary>
public abstract class AccountResultTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private async Task<R[]> ResultsAsync(params Account[] accounts)
    {
        var outcome = await Ledger.CreateAccountsAsync(accounts);
        Assert.Equal(accounts.Length, outcome.Results.Count);
        for (var i = 0; i < accounts.Length; i++)
        {
            Assert.Equal(i, outcome.Results[i].Index);
            Assert.Equal(accounts[i].Id, outcome.Results[i].Id);
        }

        return [.. outcome.Results.Select(r => r.Result)];
    }

    private async Task<R> ResultAsync(Account account) => (await ResultsAsync(account))[0];

    [Fact]
    public async Task Created()
    {
        var account = Account(1, ledger: 7, code: 3, flags: AccountFlags.History | AccountFlags.DebitsMustNotExceedCredits, owner: 99) with { UserData64 = 5, UserData32 = 6 };
        var now = Ledger.Clock.NowNanoseconds;

        var result = Assert.Single((await Ledger.CreateAccountsAsync(account)).Results);

        Assert.Equal(R.Created, result.Result);
        Assert.Equal(now, result.Timestamp);
        Assert.Equal(account with { Timestamp = now }, await Ledger.AccountAsync(1));
        Assert.Equal(1, Ledger.Engine.Metrics.AccountsCreated);
    }

    [Fact]
    public async Task Created_stores_the_account_without_the_linked_flag()
    {
        Assert.Equal([R.Created, R.Created], await ResultsAsync(Account(1).Linked(), Account(2, flags: AccountFlags.History)));
        Assert.Equal(AccountFlags.None, (await Ledger.AccountAsync(1)).Flags);
        Assert.Equal(AccountFlags.History, (await Ledger.AccountAsync(2)).Flags);
    }

    [Fact]
    public async Task Exists()
    {
        var account = Account(1, flags: AccountFlags.CreditsMustNotExceedDebits, owner: 5);
        var first = Assert.Single((await Ledger.CreateAccountsAsync(account)).Results);
        Ledger.Clock.Advance(TimeSpan.FromMinutes(1));

        var retry = Assert.Single((await Ledger.CreateAccountsAsync(account)).Results);
        var inBatch = (await Ledger.CreateAccountsAsync(Account(2), Account(2))).Results;

        Assert.Equal(R.Exists, retry.Result);
        Assert.Equal(first.Timestamp, retry.Timestamp);
        Assert.Equal([R.Created, R.Exists], inBatch.Select(r => r.Result));
        Assert.Equal(inBatch[0].Timestamp, inBatch[1].Timestamp);
        Assert.Equal(first.Timestamp, (await Ledger.AccountAsync(1)).Timestamp);
    }

    [Fact]
    public async Task Exists_ignores_the_linked_flag_and_the_closed_state()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1), Account(2));
        await Ledger.CreatedAsync(Pending(100, 1, 2, 1, flags: TransferFlags.ClosingDebit));
        Assert.True((await Ledger.AccountAsync(1)).Flags.HasFlag(AccountFlags.Closed));

        Assert.Equal([R.Exists, R.Exists], await ResultsAsync(Account(1).Linked(), Account(1)));
    }

    [Fact]
    public async Task LinkedEventFailed()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(9, code: 1));
        var results = await ResultsAsync(Account(1).Linked(), Account(2).Linked(), Account(9, code: 2).Linked(), Account(3), Account(4));

        Assert.Equal([R.LinkedEventFailed, R.LinkedEventFailed, R.ExistsWithDifferentCode, R.LinkedEventFailed, R.Created], results);
        Assert.Null(await Ledger.Store.GetAccountAsync(1, Ledger.Token));
        Assert.Null(await Ledger.Store.GetAccountAsync(3, Ledger.Token));
        Assert.NotNull(await Ledger.Store.GetAccountAsync(4, Ledger.Token));
    }

    [Fact]
    public async Task Linked_chain_is_not_broken_by_exists()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(9));
        Assert.Equal([R.Created, R.Exists, R.Created], await ResultsAsync(Account(1).Linked(), Account(9).Linked(), Account(2)));
    }

    [Fact]
    public async Task LinkedEventChainOpen()
    {
        Assert.Equal([R.Created, R.LinkedEventFailed, R.LinkedEventChainOpen], await ResultsAsync(Account(1), Account(2).Linked(), Account(3).Linked()));
        Assert.Null(await Ledger.Store.GetAccountAsync(2, Ledger.Token));
        Assert.Null(await Ledger.Store.GetAccountAsync(3, Ledger.Token));
        Assert.Equal([R.LinkedEventChainOpen], await ResultsAsync(Account(4).Linked()));
    }

    /// <summary>As for transfers: the open chain's last event reports chain-open even after a failure.</summary>
    [Fact]
    public async Task LinkedEventChainOpen_on_the_last_event_even_after_the_chain_already_failed()
    {
        Assert.Equal([R.IdMustNotBeZero, R.LinkedEventChainOpen], await ResultsAsync(Account(0).Linked(), Account(3).Linked()));
    }

    [Fact]
    public async Task IdMustNotBeZero() => Assert.Equal(R.IdMustNotBeZero, await ResultAsync(Account(0)));

    [Fact]
    public async Task IdMustNotBeIntMax() => Assert.Equal(R.IdMustNotBeIntMax, await ResultAsync(Account(Max)));

    [Theory]
    [InlineData(AccountFlags.Closed)]
    [InlineData((AccountFlags)(1 << 4))]
    [InlineData((AccountFlags)(1 << 6))]
    [InlineData((AccountFlags)(1 << 15))]
    public async Task ReservedFlag(AccountFlags flags)
    {
        Assert.Equal(R.ReservedFlag, await ResultAsync(Account(1, flags: flags)));
        Assert.Null(await Ledger.Store.GetAccountAsync(1, Ledger.Token));
    }

    [Fact]
    public async Task FlagsAreMutuallyExclusive() =>
        Assert.Equal(R.FlagsAreMutuallyExclusive, await ResultAsync(Account(1, flags: AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits)));

    [Fact]
    public async Task BalancesMustBeZero()
    {
        Assert.Equal(
            [R.BalancesMustBeZero, R.BalancesMustBeZero, R.BalancesMustBeZero, R.BalancesMustBeZero],
            await ResultsAsync(
                Account(1) with { DebitsPending = 1 },
                Account(2) with { DebitsPosted = 1 },
                Account(3) with { CreditsPending = 1 },
                Account(4) with { CreditsPosted = Max }));
    }

    [Fact]
    public async Task LedgerMustNotBeZero() => Assert.Equal(R.LedgerMustNotBeZero, await ResultAsync(Account(1, ledger: 0)));

    [Fact]
    public async Task CodeMustNotBeZero() => Assert.Equal(R.CodeMustNotBeZero, await ResultAsync(Account(1, code: 0)));

    [Fact]
    public async Task ExistsWithDifferentFlags()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1, flags: AccountFlags.History));
        Assert.Equal(R.ExistsWithDifferentFlags, await ResultAsync(Account(1)));
        Assert.Equal(R.ExistsWithDifferentFlags, await ResultAsync(Account(1, flags: AccountFlags.History | AccountFlags.DebitsMustNotExceedCredits)));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData128()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1, owner: 1));
        Assert.Equal(R.ExistsWithDifferentUserData128, await ResultAsync(Account(1, owner: 2)));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData64()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1) with { UserData64 = 1 });
        Assert.Equal(R.ExistsWithDifferentUserData64, await ResultAsync(Account(1) with { UserData64 = 2 }));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData32()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1) with { UserData32 = 1 });
        Assert.Equal(R.ExistsWithDifferentUserData32, await ResultAsync(Account(1) with { UserData32 = 2 }));
    }

    [Fact]
    public async Task ExistsWithDifferentLedger()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1, ledger: 1));
        Assert.Equal(R.ExistsWithDifferentLedger, await ResultAsync(Account(1, ledger: 2)));
    }

    [Fact]
    public async Task ExistsWithDifferentCode()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1, code: 1));
        Assert.Equal(R.ExistsWithDifferentCode, await ResultAsync(Account(1, code: 2)));
    }

    [Fact]
    public async Task Accounts_created_earlier_in_the_same_batch_can_be_used_by_a_later_request()
    {
        // Two requests queued back to back may commit in one batch; either way the second sees the first.
        var accounts = Ledger.CreateAccountsAsync(Account(1), Account(2));
        var transfers = Ledger.SubmitAsync(Transfer(100, 1, 2, 5));
        Assert.All((await accounts).Results, r => Assert.Equal(R.Created, r.Result));
        Assert.Equal(CreateTransferResult.Created, Assert.Single((await transfers).Results).Result);
        await Ledger.AssertBalancesAsync(1, 0, 5, 0, 0);
    }
}
