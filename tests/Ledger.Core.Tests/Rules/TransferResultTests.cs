using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;
using R = Ledger.Core.Domain.CreateTransferResult;

namespace Ledger.Core.Tests.Rules;

public sealed class SqliteTransferResultTests(SqliteStoreFixture fixture) : TransferResultTests<SqliteStoreFixture>(fixture);

public sealed class PostgresTransferResultTests(PostgresStoreFixture fixture) : TransferResultTests<PostgresStoreFixture>(fixture);

/// <summary>
/// One test per <see cref="CreateTransferResult"/> member, named after it (<see cref="ResultCoverageTests"/>
/// checks that none is missing), each driving the engine over a real store. Accounts A, B, C are on
/// ledger 1, D on ledger 2; P and Q are two participants.
/// </summary>
public abstract class TransferResultTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    protected static readonly UInt128 A = 1, B = 2, C = 3, D = 4;
    protected static readonly UInt128 P = 0x5000, Q = 0x6000;

    /// <summary>A, B, C on ledger 1 (A owned by P, B by Q), D on ledger 2; then the clock moves on one second.</summary>
    private async Task SeedAsync(AccountFlags aFlags = AccountFlags.None, AccountFlags bFlags = AccountFlags.None, AccountFlags cFlags = AccountFlags.None)
    {
        await Ledger.CreateAccountsCreatedAsync(
            Account(A, flags: aFlags, owner: P),
            Account(B, flags: bFlags, owner: Q),
            Account(C, flags: cFlags),
            Account(D, ledger: 2));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));
    }

    // ---- created and exists ----

    [Fact]
    public async Task Created()
    {
        await SeedAsync();
        var transfer = Transfer(100, A, B, 25) with { UserData128 = 7, UserData64 = 8, UserData32 = 9, Code = 42 };
        var now = Ledger.Clock.NowNanoseconds;

        var outcome = await Ledger.SubmitAsync(transfer);

        var result = Assert.Single(outcome.Results);
        Assert.Equal(R.Created, result.Result);
        Assert.Equal(now, result.Timestamp);
        await Ledger.AssertBalancesAsync(A, 0, 25, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 25);
        var stored = await Ledger.TransferAsync(100);
        Assert.Equal(transfer with { Timestamp = now }, stored.Transfer);
        Assert.Equal(0UL, stored.LogIndex);
        Assert.Null(stored.Pending);
        Assert.Equal(new Storage.LedgerHead(now, 1), await Ledger.Store.GetHeadAsync(Ledger.Token));
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task Exists()
    {
        await SeedAsync();
        var transfer = Transfer(100, A, B, 25) with { UserData64 = 5 };
        var first = Assert.Single(await Ledger.CreatedAsync(transfer));
        Ledger.Clock.Advance(TimeSpan.FromMinutes(5));

        var retry = Assert.Single((await Ledger.SubmitAsync(transfer)).Results);

        Assert.Equal(R.Exists, retry.Result);
        Assert.Equal(first.Timestamp, retry.Timestamp);
        await Ledger.AssertBalancesAsync(A, 0, 25, 0, 0);
        Assert.Equal(1UL, (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize);
    }

    [Fact]
    public async Task Exists_for_a_duplicate_within_one_request_with_the_first_ones_timestamp()
    {
        await SeedAsync();
        var transfer = Transfer(100, A, B, 25);

        var outcome = await Ledger.SubmitAsync(transfer, transfer, transfer with { Amount = 26 });

        Assert.Equal([R.Created, R.Exists, R.ExistsWithDifferentAmount], outcome.Results.Select(r => r.Result));
        Assert.Equal(outcome.Results[0].Timestamp, outcome.Results[1].Timestamp);
        await Ledger.AssertBalancesAsync(A, 0, 25, 0, 0);
    }

    [Fact]
    public async Task Exists_takes_precedence_over_later_balance_checks()
    {
        // The exists checks run before balance and limit checks: a retry after the account ran dry is
        // still exists, not exceeds_credits.
        await SeedAsync(aFlags: AccountFlags.DebitsMustNotExceedCredits);
        await Ledger.CreatedAsync(Transfer(100, C, A, 10));
        await Ledger.CreatedAsync(Transfer(101, A, B, 10));

        Assert.Equal(R.Exists, await Ledger.ResultAsync(Transfer(101, A, B, 10)));
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(102, A, B, 10)));
    }

    // ---- validation of the event alone ----

    [Fact]
    public async Task IdMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.IdMustNotBeZero, await Ledger.ResultAsync(Transfer(0, A, B, 1)));
        Assert.Equal(R.IdMustNotBeZero, await Ledger.ResultAsync(Post(0, 100)));
    }

    [Fact]
    public async Task IdMustNotBeIntMax()
    {
        await SeedAsync();
        Assert.Equal(R.IdMustNotBeIntMax, await Ledger.ResultAsync(Transfer(Max, A, B, 1)));
    }

    [Theory]
    [InlineData((ushort)(1 << 8))]
    [InlineData((ushort)(1 << 15))]
    [InlineData((ushort)((1 << 9) | (ushort)TransferFlags.PostPending))]
    public async Task ReservedFlag(ushort flags)
    {
        await SeedAsync();
        Assert.Equal(R.ReservedFlag, await Ledger.ResultAsync(Transfer(100, A, B, 1, (TransferFlags)flags)));
    }

    [Theory]
    [InlineData(TransferFlags.PostPending | TransferFlags.VoidPending)]
    [InlineData(TransferFlags.PostPending | TransferFlags.Pending)]
    [InlineData(TransferFlags.VoidPending | TransferFlags.Pending)]
    [InlineData(TransferFlags.PostPending | TransferFlags.BalancingDebit)]
    [InlineData(TransferFlags.VoidPending | TransferFlags.BalancingCredit)]
    [InlineData(TransferFlags.PostPending | TransferFlags.ClosingDebit)]
    [InlineData(TransferFlags.VoidPending | TransferFlags.ClosingCredit)]
    public async Task FlagsAreMutuallyExclusive(TransferFlags flags)
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.FlagsAreMutuallyExclusive, await Ledger.ResultAsync(new Transfer { Id = 101, PendingId = 100, Amount = Max, Flags = flags }));
        await Ledger.AssertBalancesAsync(A, 10, 0, 0, 0);
    }

    [Fact]
    public async Task DebitAccountIdMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.DebitAccountIdMustNotBeZero, await Ledger.ResultAsync(Transfer(100, 0, B, 1)));
    }

    [Fact]
    public async Task DebitAccountIdMustNotBeIntMax()
    {
        await SeedAsync();
        Assert.Equal(R.DebitAccountIdMustNotBeIntMax, await Ledger.ResultAsync(Transfer(100, Max, B, 1)));
    }

    [Fact]
    public async Task CreditAccountIdMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.CreditAccountIdMustNotBeZero, await Ledger.ResultAsync(Transfer(100, A, 0, 1)));
    }

    [Fact]
    public async Task CreditAccountIdMustNotBeIntMax()
    {
        await SeedAsync();
        Assert.Equal(R.CreditAccountIdMustNotBeIntMax, await Ledger.ResultAsync(Transfer(100, A, Max, 1)));
    }

    [Fact]
    public async Task AccountsMustBeDifferent()
    {
        await SeedAsync();
        Assert.Equal(R.AccountsMustBeDifferent, await Ledger.ResultAsync(Transfer(100, A, A, 1)));
    }

    [Fact]
    public async Task PendingIdMustBeZero()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingIdMustBeZero, await Ledger.ResultAsync(Transfer(101, A, B, 1) with { PendingId = 100 }));
        Assert.Equal(R.PendingIdMustBeZero, await Ledger.ResultAsync(Pending(102, A, B, 1) with { PendingId = 100 }));
    }

    [Fact]
    public async Task PendingIdMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.PendingIdMustNotBeZero, await Ledger.ResultAsync(Post(101, 0)));
        Assert.Equal(R.PendingIdMustNotBeZero, await Ledger.ResultAsync(Void(102, 0)));
    }

    [Fact]
    public async Task PendingIdMustNotBeIntMax()
    {
        await SeedAsync();
        Assert.Equal(R.PendingIdMustNotBeIntMax, await Ledger.ResultAsync(Post(101, Max)));
    }

    [Fact]
    public async Task PendingIdMustBeDifferent()
    {
        await SeedAsync();
        Assert.Equal(R.PendingIdMustBeDifferent, await Ledger.ResultAsync(Post(101, 101)));
    }

    [Fact]
    public async Task TimeoutReservedForPendingTransfer()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 60));
        Assert.Equal(R.TimeoutReservedForPendingTransfer, await Ledger.ResultAsync(Transfer(101, A, B, 1, timeoutSeconds: 1)));
        Assert.Equal(R.TimeoutReservedForPendingTransfer, await Ledger.ResultAsync(Post(102, 100) with { TimeoutSeconds = 1 }));
    }

    [Theory]
    [InlineData(TransferFlags.ClosingDebit)]
    [InlineData(TransferFlags.ClosingCredit)]
    [InlineData(TransferFlags.ClosingDebit | TransferFlags.ClosingCredit)]
    public async Task ClosingTransferMustBePending(TransferFlags flags)
    {
        await SeedAsync();
        Assert.Equal(R.ClosingTransferMustBePending, await Ledger.ResultAsync(Transfer(100, A, B, 1, flags)));
        Assert.Equal(AccountFlags.None, (await Ledger.AccountAsync(A)).Flags);
    }

    [Fact]
    public async Task AmountMustNotBeZero()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.AmountMustNotBeZero, await Ledger.ResultAsync(Transfer(101, A, B, 0)));
        Assert.Equal(R.AmountMustNotBeZero, await Ledger.ResultAsync(Pending(102, A, B, 0)));
        Assert.Equal(R.AmountMustNotBeZero, await Ledger.ResultAsync(Post(103, 100, 0)));
        Assert.Equal(R.AmountMustNotBeZero, await Ledger.ResultAsync(Void(104, 100, 0)));
    }

    [Fact]
    public async Task LedgerMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.LedgerMustNotBeZero, await Ledger.ResultAsync(Transfer(100, A, B, 1, ledger: 0)));
    }

    [Fact]
    public async Task CodeMustNotBeZero()
    {
        await SeedAsync();
        Assert.Equal(R.CodeMustNotBeZero, await Ledger.ResultAsync(Transfer(100, A, B, 1, code: 0)));
    }

    // ---- account lookups ----

    [Fact]
    public async Task DebitAccountNotFound()
    {
        await SeedAsync();
        Assert.Equal(R.DebitAccountNotFound, await Ledger.ResultAsync(Transfer(100, 77, B, 1)));
    }

    [Fact]
    public async Task CreditAccountNotFound()
    {
        await SeedAsync();
        Assert.Equal(R.CreditAccountNotFound, await Ledger.ResultAsync(Transfer(100, A, 77, 1)));
    }

    [Fact]
    public async Task LedgerMustMatch()
    {
        await SeedAsync();
        Assert.Equal(R.LedgerMustMatch, await Ledger.ResultAsync(Transfer(100, A, D, 1)));
        Assert.Equal(R.LedgerMustMatch, await Ledger.ResultAsync(Transfer(101, D, A, 1, ledger: 2)));
        Assert.Equal(R.LedgerMustMatch, await Ledger.ResultAsync(Transfer(102, A, B, 1, ledger: 2)));
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
    }

    // ---- posting and voiding: the pending transfer ----

    [Fact]
    public async Task PendingTransferNotFound()
    {
        await SeedAsync();
        Assert.Equal(R.PendingTransferNotFound, await Ledger.ResultAsync(Post(101, 100)));
        Assert.Equal(R.PendingTransferNotFound, await Ledger.ResultAsync(Void(102, 100)));
    }

    [Fact]
    public async Task PendingTransferNotPending()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10));
        Assert.Equal(R.PendingTransferNotPending, await Ledger.ResultAsync(Post(101, 100)));
        Assert.Equal(R.PendingTransferNotPending, await Ledger.ResultAsync(Void(102, 100)));
    }

    [Fact]
    public async Task PendingTransferHasDifferentDebitAccountId()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingTransferHasDifferentDebitAccountId, await Ledger.ResultAsync(Post(101, 100) with { DebitAccountId = C }));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(102, 100) with { DebitAccountId = A, CreditAccountId = B }));
    }

    [Fact]
    public async Task PendingTransferHasDifferentCreditAccountId()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingTransferHasDifferentCreditAccountId, await Ledger.ResultAsync(Void(101, 100) with { CreditAccountId = C }));
    }

    [Fact]
    public async Task PendingTransferHasDifferentLedger()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingTransferHasDifferentLedger, await Ledger.ResultAsync(Post(101, 100) with { Ledger = 2 }));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(102, 100) with { Ledger = 1 }));
    }

    [Fact]
    public async Task PendingTransferHasDifferentCode()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingTransferHasDifferentCode, await Ledger.ResultAsync(Post(101, 100) with { Code = 2 }));
    }

    [Fact]
    public async Task ExceedsPendingTransferAmount()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.ExceedsPendingTransferAmount, await Ledger.ResultAsync(Post(101, 100, 11)));
        await Ledger.AssertBalancesAsync(A, 10, 0, 0, 0);
    }

    [Fact]
    public async Task PendingTransferHasDifferentAmount()
    {
        // A void releases the whole hold: it names the pending amount or AmountMax, nothing else.
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal(R.PendingTransferHasDifferentAmount, await Ledger.ResultAsync(Void(101, 100, 9)));
        Assert.Equal(R.PendingTransferHasDifferentAmount, await Ledger.ResultAsync(Void(102, 100, 11)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Void(103, 100, 10)));
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
    }

    [Fact]
    public async Task PendingTransferAlreadyPosted()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10), Post(101, 100, 4));
        Assert.Equal(R.PendingTransferAlreadyPosted, await Ledger.ResultAsync(Post(102, 100, 4)));
        Assert.Equal(R.PendingTransferAlreadyPosted, await Ledger.ResultAsync(Void(103, 100)));
        await Ledger.AssertBalancesAsync(A, 0, 4, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 4);
    }

    [Fact]
    public async Task PendingTransferAlreadyVoided()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10), Void(101, 100));
        Assert.Equal(R.PendingTransferAlreadyVoided, await Ledger.ResultAsync(Post(102, 100)));
        Assert.Equal(R.PendingTransferAlreadyVoided, await Ledger.ResultAsync(Void(103, 100)));
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
    }

    [Fact]
    public async Task PendingTransferExpired_after_the_expiry_pulse_released_the_hold()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 30));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await Ledger.ExpireAsync());

        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 0);
        Assert.Equal(PendingStatus.Expired, (await Ledger.TransferAsync(100)).Pending?.Status);
        Assert.Equal(R.PendingTransferExpired, await Ledger.ResultAsync(Post(101, 100)));
        Assert.Equal(R.PendingTransferExpired, await Ledger.ResultAsync(Void(102, 100)));
        Assert.Equal(0, await Ledger.ExpireAsync());
        Assert.Equal(1, Ledger.Engine.Metrics.PendingExpired);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task PendingTransferExpired_after_the_timeout_before_any_expiry_pulse()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 30));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(R.PendingTransferExpired, await Ledger.ResultAsync(Post(101, 100)));
        Assert.Equal(R.PendingTransferExpired, await Ledger.ResultAsync(Void(102, 100)));

        // The hold stays until a pulse releases it.
        await Ledger.AssertBalancesAsync(A, 10, 0, 0, 0);
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(100)).Pending?.Status);
        Assert.Equal(1, await Ledger.ExpireAsync());
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 0);
    }

    [Fact]
    public async Task PendingTransferExpired_not_before_the_timeout_has_fully_passed()
    {
        await SeedAsync();
        var created = await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 30));
        var expiresAt = created[0].Timestamp + (30 * LedgerLimits.NanosecondsPerSecond);
        Assert.Equal(expiresAt, (await Ledger.TransferAsync(100)).Pending?.ExpiresAt);
        Assert.Equal(expiresAt, await Ledger.Store.GetNextExpiryAsync(Ledger.Token));

        // One tick (100 ns) before the deadline: nothing expires and a post still succeeds.
        Ledger.Clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(0, await Ledger.ExpireAsync());
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(101, 100, 6)));
        await Ledger.AssertBalancesAsync(A, 0, 6, 0, 0);
        Assert.Null(await Ledger.Store.GetNextExpiryAsync(Ledger.Token));
    }

    [Fact]
    public async Task PendingTransferExpired_exactly_at_the_deadline_and_no_timeout_never_expires()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 1), Pending(101, A, B, 5));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, await Ledger.ExpireAsync());
        Ledger.Clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(0, await Ledger.ExpireAsync());
        await Ledger.AssertBalancesAsync(A, 5, 0, 0, 0);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(102, 101)));
        await Ledger.AssertBalancesAsync(A, 0, 5, 0, 0);
    }

    // ---- closed accounts ----

    [Fact]
    public async Task DebitAccountAlreadyClosed()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, flags: TransferFlags.ClosingDebit));
        Assert.True((await Ledger.AccountAsync(A)).Flags.HasFlag(AccountFlags.Closed));
        Assert.False((await Ledger.AccountAsync(B)).Flags.HasFlag(AccountFlags.Closed));

        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(101, A, C, 1)));
        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Pending(102, A, C, 1, flags: TransferFlags.ClosingDebit)));
        Assert.Equal(R.CreditAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(103, C, A, 1)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(104, C, B, 1)));
    }

    [Fact]
    public async Task CreditAccountAlreadyClosed()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, flags: TransferFlags.ClosingCredit));
        Assert.True((await Ledger.AccountAsync(B)).Flags.HasFlag(AccountFlags.Closed));

        Assert.Equal(R.CreditAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(101, C, B, 1)));
        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(102, B, C, 1)));

        // Posting the closing transfer itself is allowed, and the account stays closed.
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(103, 100)));
        Assert.True((await Ledger.AccountAsync(B)).Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(R.CreditAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(104, C, B, 1)));
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 10);
    }

    [Fact]
    public async Task DebitAccountAlreadyClosed_when_posting_an_earlier_pending_transfer_but_voiding_it_is_allowed()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10), Pending(101, A, B, 3), Pending(102, A, C, 1, flags: TransferFlags.ClosingDebit));

        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Post(103, 100)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Void(104, 101)));
        await Ledger.AssertBalancesAsync(A, 11, 0, 0, 0);
    }

    [Fact]
    public async Task Closing_debit_voided_reopens_the_account()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, flags: TransferFlags.ClosingDebit));
        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(101, A, C, 1)));

        Assert.Equal(R.Created, await Ledger.ResultAsync(Void(102, 100)));

        Assert.Equal(AccountFlags.None, (await Ledger.AccountAsync(A)).Flags);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(101, A, C, 1)));
        await Ledger.AssertBalancesAsync(A, 0, 1, 0, 0);
    }

    [Fact]
    public async Task Closing_credit_voided_reopens_the_account()
    {
        await SeedAsync(bFlags: AccountFlags.History);
        await Ledger.CreatedAsync(Pending(100, A, B, 10, flags: TransferFlags.ClosingCredit));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Void(101, 100)));
        Assert.Equal(AccountFlags.History, (await Ledger.AccountAsync(B)).Flags);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(102, C, B, 1)));
    }

    [Fact]
    public async Task Closing_transfer_posted_keeps_the_account_closed()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, flags: TransferFlags.ClosingDebit | TransferFlags.ClosingCredit));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(101, 100)));
        Assert.True((await Ledger.AccountAsync(A)).Flags.HasFlag(AccountFlags.Closed));
        Assert.True((await Ledger.AccountAsync(B)).Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(R.DebitAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(102, A, C, 1)));
        Assert.Equal(R.CreditAccountAlreadyClosed, await Ledger.ResultAsync(Transfer(103, C, B, 1)));
    }

    [Fact]
    public async Task Closing_transfer_that_expires_reopens_the_account()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 5, flags: TransferFlags.ClosingDebit));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await Ledger.ExpireAsync());
        Assert.Equal(AccountFlags.None, (await Ledger.AccountAsync(A)).Flags);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(101, A, C, 1)));
    }

    // ---- idempotency: exists_with_different_* ----

    [Fact]
    public async Task ExistsWithDifferentFlags()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10));
        Assert.Equal(R.ExistsWithDifferentFlags, await Ledger.ResultAsync(Pending(100, A, B, 10)));
        Assert.Equal(R.ExistsWithDifferentFlags, await Ledger.ResultAsync(Transfer(100, A, B, 10, TransferFlags.BalancingDebit)));

        // The linked flag is part of the transfer as stored: a chain member retried alone differs.
        await Ledger.CreatedAsync(Transfer(101, A, B, 1).Linked(), Transfer(102, A, B, 1));
        Assert.Equal(R.ExistsWithDifferentFlags, await Ledger.ResultAsync(Transfer(101, A, B, 1)));
    }

    [Fact]
    public async Task ExistsWithDifferentPendingId()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10), Pending(101, A, B, 10), Post(102, 100));
        Assert.Equal(R.ExistsWithDifferentPendingId, await Ledger.ResultAsync(Post(102, 101)));
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(101)).Pending?.Status);
    }

    [Fact]
    public async Task ExistsWithDifferentTimeout()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10, timeoutSeconds: 60));
        Assert.Equal(R.ExistsWithDifferentTimeout, await Ledger.ResultAsync(Pending(100, A, B, 10, timeoutSeconds: 61)));
        Assert.Equal(R.Exists, await Ledger.ResultAsync(Pending(100, A, B, 10, timeoutSeconds: 60)));
    }

    [Fact]
    public async Task ExistsWithDifferentDebitAccountId()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10));
        Assert.Equal(R.ExistsWithDifferentDebitAccountId, await Ledger.ResultAsync(Transfer(100, C, B, 10)));
    }

    [Fact]
    public async Task ExistsWithDifferentCreditAccountId()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10));
        Assert.Equal(R.ExistsWithDifferentCreditAccountId, await Ledger.ResultAsync(Transfer(100, A, C, 10)));
    }

    [Fact]
    public async Task ExistsWithDifferentAmount()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10), Pending(101, A, B, 10), Post(102, 101, 7));
        Assert.Equal(R.ExistsWithDifferentAmount, await Ledger.ResultAsync(Transfer(100, A, B, 11)));
        Assert.Equal(R.ExistsWithDifferentAmount, await Ledger.ResultAsync(Post(102, 101, 8)));

        // A post retried with AmountMax asks for "the whole amount", which is not what was posted.
        Assert.Equal(R.ExistsWithDifferentAmount, await Ledger.ResultAsync(Post(102, 101)));
        Assert.Equal(R.Exists, await Ledger.ResultAsync(Post(102, 101, 7)));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData128()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10) with { UserData128 = 1 });
        Assert.Equal(R.ExistsWithDifferentUserData128, await Ledger.ResultAsync(Transfer(100, A, B, 10) with { UserData128 = 2 }));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData64()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10) with { UserData64 = 1 });
        Assert.Equal(R.ExistsWithDifferentUserData64, await Ledger.ResultAsync(Transfer(100, A, B, 10) with { UserData64 = 2 }));
    }

    [Fact]
    public async Task ExistsWithDifferentUserData32()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10) with { UserData32 = 1 });
        Assert.Equal(R.ExistsWithDifferentUserData32, await Ledger.ResultAsync(Transfer(100, A, B, 10) with { UserData32 = 2 }));
    }

    /// <summary>
    /// exists_with_different_ledger cannot be produced for transfers: the ledger must match the accounts
    /// before the exists checks run, and a post takes its ledger from the pending transfer. A retry on
    /// another ledger with the same accounts therefore reports ledger_must_match (as in TigerBeetle).
    /// </summary>
    [Fact]
    public async Task ExistsWithDifferentLedger_cannot_be_produced_ledger_must_match_comes_first()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10), Pending(101, A, B, 10), Post(102, 101));
        Assert.Equal(R.LedgerMustMatch, await Ledger.ResultAsync(Transfer(100, A, B, 10, ledger: 2)));
        Assert.Equal(R.PendingTransferHasDifferentLedger, await Ledger.ResultAsync(Post(102, 101) with { Ledger = 2 }));
    }

    [Fact]
    public async Task ExistsWithDifferentCode()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10, code: 5));
        Assert.Equal(R.ExistsWithDifferentCode, await Ledger.ResultAsync(Transfer(100, A, B, 10, code: 6)));
    }

    [Fact]
    public async Task Exists_for_a_post_retried_with_the_same_fields_or_omitting_inherited_ones()
    {
        await SeedAsync();
        var pending = Pending(100, A, B, 10) with { UserData64 = 99 };
        var created = await Ledger.CreatedAsync(pending, Post(101, 100));
        var stored = (await Ledger.TransferAsync(101)).Transfer;
        Assert.Equal((UInt128)10, stored.Amount);
        Assert.Equal((A, B, 1u, (ushort)1, 99UL), (stored.DebitAccountId, stored.CreditAccountId, stored.Ledger, stored.Code, stored.UserData64));

        var retry = Assert.Single((await Ledger.SubmitAsync(Post(101, 100))).Results);
        Assert.Equal(R.Exists, retry.Result);
        Assert.Equal(created[1].Timestamp, retry.Timestamp);
        Assert.Equal(R.Exists, await Ledger.ResultAsync(Post(101, 100, 10) with { DebitAccountId = A, CreditAccountId = B, Ledger = 1, Code = 1, UserData64 = 99 }));
        Assert.Equal(R.ExistsWithDifferentUserData64, await Ledger.ResultAsync(Post(101, 100) with { UserData64 = 98 }));
    }

    // ---- balance limits and balancing transfers ----

    [Fact]
    public async Task ExceedsCredits()
    {
        await SeedAsync(aFlags: AccountFlags.DebitsMustNotExceedCredits);
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(100, A, B, 1)));
        await Ledger.CreatedAsync(Transfer(101, C, A, 50));
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(102, A, B, 51)));
        await Ledger.CreatedAsync(Pending(103, A, B, 20));

        // Pending debits count against the limit.
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(104, A, B, 31)));
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Pending(105, A, B, 31)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(106, A, B, 30)));
        await Ledger.AssertBalancesAsync(A, 20, 30, 0, 50);

        // Pending credits do not.
        await Ledger.CreatedAsync(Pending(107, C, A, 100));
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(108, A, B, 1)));
    }

    [Fact]
    public async Task ExceedsDebits()
    {
        await SeedAsync(bFlags: AccountFlags.CreditsMustNotExceedDebits);
        Assert.Equal(R.ExceedsDebits, await Ledger.ResultAsync(Transfer(100, A, B, 1)));
        await Ledger.CreatedAsync(Transfer(101, B, C, 50));
        Assert.Equal(R.ExceedsDebits, await Ledger.ResultAsync(Transfer(102, A, B, 51)));
        await Ledger.CreatedAsync(Pending(103, A, B, 20));
        Assert.Equal(R.ExceedsDebits, await Ledger.ResultAsync(Pending(104, A, B, 31)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(105, A, B, 30)));
        await Ledger.AssertBalancesAsync(B, 0, 50, 20, 30);
    }

    [Fact]
    public async Task ExceedsCredits_and_ExceedsDebits_do_not_apply_without_the_account_flags()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, Max));
        await Ledger.AssertBalancesAsync(A, 0, Max, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, Max);
    }

    [Fact]
    public async Task Balancing_debit_moves_as_much_as_possible()
    {
        await SeedAsync(aFlags: AccountFlags.DebitsMustNotExceedCredits);
        await Ledger.CreatedAsync(Transfer(100, C, A, 100), Pending(101, A, B, 30));

        var moved = await Ledger.SubmitAsync(Transfer(102, A, B, Max, TransferFlags.BalancingDebit));

        Assert.Equal(R.Created, moved.Results[0].Result);
        Assert.Equal((UInt128)70, (await Ledger.TransferAsync(102)).Transfer.Amount);
        await Ledger.AssertBalancesAsync(A, 30, 70, 0, 100);
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(103, A, B, 1, TransferFlags.BalancingDebit)));

        // A retry names the most it may move: exists for any amount at least what moved.
        Assert.Equal(R.Exists, await Ledger.ResultAsync(Transfer(102, A, B, Max, TransferFlags.BalancingDebit)));
        Assert.Equal(R.Exists, await Ledger.ResultAsync(Transfer(102, A, B, 70, TransferFlags.BalancingDebit)));
        Assert.Equal(R.ExistsWithDifferentAmount, await Ledger.ResultAsync(Transfer(102, A, B, 69, TransferFlags.BalancingDebit)));
    }

    [Fact]
    public async Task Balancing_debit_moves_the_requested_amount_when_less_is_asked_and_works_without_flags()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, C, A, 100), Transfer(101, A, C, 40));
        await Ledger.CreatedAsync(Transfer(102, A, B, 25, TransferFlags.BalancingDebit));
        Assert.Equal((UInt128)25, (await Ledger.TransferAsync(102)).Transfer.Amount);
        await Ledger.CreatedAsync(Transfer(103, A, B, 1000, TransferFlags.BalancingDebit | TransferFlags.Pending));
        var pending = await Ledger.TransferAsync(103);
        Assert.Equal((UInt128)35, pending.Transfer.Amount);
        await Ledger.AssertBalancesAsync(A, 35, 65, 0, 100);
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(104, A, B, 1, TransferFlags.BalancingDebit)));
    }

    [Fact]
    public async Task Balancing_credit_moves_as_much_as_possible()
    {
        await SeedAsync(cFlags: AccountFlags.CreditsMustNotExceedDebits);
        await Ledger.CreatedAsync(Transfer(100, C, B, 100), Pending(101, A, C, 10));

        await Ledger.CreatedAsync(Transfer(102, A, C, Max, TransferFlags.BalancingCredit));

        Assert.Equal((UInt128)90, (await Ledger.TransferAsync(102)).Transfer.Amount);
        await Ledger.AssertBalancesAsync(C, 0, 100, 10, 90);
        Assert.Equal(R.ExceedsDebits, await Ledger.ResultAsync(Transfer(103, A, C, 1, TransferFlags.BalancingCredit)));
    }

    [Fact]
    public async Task Balancing_debit_and_credit_together_move_the_smaller_room()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, C, A, 100), Transfer(101, B, C, 30));
        await Ledger.CreatedAsync(Transfer(102, A, B, Max, TransferFlags.BalancingDebit | TransferFlags.BalancingCredit));
        Assert.Equal((UInt128)30, (await Ledger.TransferAsync(102)).Transfer.Amount);
    }

    // ---- overflow: balances near UInt128.MaxValue reached by huge transfers ----

    [Fact]
    public async Task OverflowsDebitsPending()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, Max));
        Assert.Equal(R.OverflowsDebitsPending, await Ledger.ResultAsync(Pending(101, A, C, 1)));
        await Ledger.AssertBalancesAsync(A, Max, 0, 0, 0);
        await Ledger.AssertBalancesAsync(C, 0, 0, 0, 0);
    }

    [Fact]
    public async Task OverflowsCreditsPending()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, Max));
        Assert.Equal(R.OverflowsCreditsPending, await Ledger.ResultAsync(Pending(101, C, B, 1)));
        await Ledger.AssertBalancesAsync(C, 0, 0, 0, 0);
    }

    [Fact]
    public async Task OverflowsDebitsPosted()
    {
        // Reach the edge through a posted pending transfer.
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, Max), Post(101, 100));
        await Ledger.AssertBalancesAsync(A, 0, Max, 0, 0);
        Assert.Equal(R.OverflowsDebitsPosted, await Ledger.ResultAsync(Transfer(102, A, C, 1)));
        await Ledger.AssertBalancesAsync(C, 0, 0, 0, 0);
    }

    [Fact]
    public async Task OverflowsCreditsPosted()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, Max - 1));
        Assert.Equal(R.OverflowsCreditsPosted, await Ledger.ResultAsync(Transfer(101, C, B, 2)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(102, C, B, 1)));
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, Max);
        await Ledger.AssertBalancesAsync(C, 0, 1, 0, 0);
    }

    [Fact]
    public async Task OverflowsDebits()
    {
        // Neither the pending nor the posted balance overflows alone, their sum with the amount does.
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, TwoTo127));
        Assert.Equal(R.OverflowsDebits, await Ledger.ResultAsync(Transfer(101, A, C, TwoTo127)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(103, A, C, TwoTo127 - 1)));
        await Ledger.AssertBalancesAsync(A, TwoTo127, TwoTo127 - 1, 0, 0);
    }

    [Fact]
    public async Task OverflowsCredits()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, TwoTo127));
        Assert.Equal(R.OverflowsCredits, await Ledger.ResultAsync(Transfer(101, C, B, TwoTo127)));
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(102, C, B, TwoTo127 - 1)));
        await Ledger.AssertBalancesAsync(B, 0, 0, TwoTo127, TwoTo127 - 1);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task OverflowsTimeout()
    {
        // In 2500 the clock reads about 1.67e19 ns; adding uint.MaxValue seconds passes 2^64 ns. (The
        // timestamp alone still fits the state machine's 64 bits; nothing is committed at that time
        // here, because the SQLite store keeps timestamps as signed 64-bit integers, good until 2262.)
        await SeedAsync();
        Ledger.Clock.Set(new DateTimeOffset(2500, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(R.OverflowsTimeout, await Ledger.ResultAsync(Pending(100, A, B, 1, timeoutSeconds: uint.MaxValue)));
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        Assert.False(await Ledger.TransferExistsAsync(100));
    }

    [Fact]
    public async Task OverflowsTimeout_not_for_the_longest_timeout_today()
    {
        // uint.MaxValue seconds is about 136 years: from 2025 the deadline still fits.
        await SeedAsync();
        var created = await Ledger.CreatedAsync(Pending(100, A, B, 1, timeoutSeconds: uint.MaxValue));
        Assert.Equal(created[0].Timestamp + ((ulong)uint.MaxValue * LedgerLimits.NanosecondsPerSecond), (await Ledger.TransferAsync(100)).Pending?.ExpiresAt);
    }

    // ---- linked chains ----

    [Fact]
    public async Task LinkedEventFailed()
    {
        await SeedAsync();
        var outcome = await Ledger.ResultsAsync(
            Transfer(100, A, B, 10).Linked(),
            Pending(101, A, C, 5).Linked(),
            Transfer(102, A, 77, 1).Linked(),
            Transfer(103, A, B, 1));

        Assert.Equal([R.LinkedEventFailed, R.LinkedEventFailed, R.CreditAccountNotFound, R.LinkedEventFailed], outcome);
        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 0);
        foreach (UInt128 id in new UInt128[] { 100, 101, 102, 103 })
        {
            Assert.False(await Ledger.TransferExistsAsync(id));
        }

        Assert.Equal(0UL, (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize);
    }

    [Fact]
    public async Task LinkedEventFailed_rolls_back_a_post_and_a_closing_transfer_in_the_chain()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        var outcome = await Ledger.ResultsAsync(
            Post(101, 100).Linked(),
            Pending(102, C, B, 1, flags: TransferFlags.ClosingDebit).Linked(),
            Transfer(103, A, B, 0));

        Assert.Equal([R.LinkedEventFailed, R.LinkedEventFailed, R.AmountMustNotBeZero], outcome);
        await Ledger.AssertBalancesAsync(A, 10, 0, 0, 0);
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(100)).Pending?.Status);
        Assert.Equal(AccountFlags.None, (await Ledger.AccountAsync(C)).Flags);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(101, 100)));
    }

    [Fact]
    public async Task Linked_chain_that_succeeds_commits_every_event()
    {
        await SeedAsync();
        var outcome = await Ledger.ResultsAsync(
            Pending(100, A, B, 10).Linked(),
            Post(101, 100, 4).Linked(),
            Transfer(102, B, C, 4));
        Assert.Equal([R.Created, R.Created, R.Created], outcome);
        await Ledger.AssertBalancesAsync(B, 0, 4, 0, 4);
    }

    [Fact]
    public async Task Linked_chain_failure_leaves_independent_events_around_it_committed()
    {
        await SeedAsync(aFlags: AccountFlags.DebitsMustNotExceedCredits);
        var outcome = await Ledger.ResultsAsync(
            Transfer(100, C, A, 10),
            Transfer(101, A, B, 5).Linked(),
            Transfer(102, A, B, 6).Linked(),
            Transfer(103, A, B, 1),
            Transfer(104, A, B, 6),
            Transfer(105, A, C, 4).Linked(),
            Transfer(106, C, B, 1));

        Assert.Equal([R.Created, R.LinkedEventFailed, R.ExceedsCredits, R.LinkedEventFailed, R.Created, R.Created, R.Created], outcome);
        await Ledger.AssertBalancesAsync(A, 0, 10, 0, 10);
        Assert.False(await Ledger.TransferExistsAsync(101));
        Assert.True(await Ledger.TransferExistsAsync(106));
    }

    [Fact]
    public async Task Linked_chain_rollback_lets_a_later_event_reuse_a_rolled_back_id()
    {
        await SeedAsync();
        var outcome = await Ledger.ResultsAsync(
            Transfer(100, A, B, 10).Linked(),
            Transfer(101, A, 77, 10),
            Transfer(100, A, C, 3));
        Assert.Equal([R.LinkedEventFailed, R.CreditAccountNotFound, R.Created], outcome);
        Assert.Equal(C, (await Ledger.TransferAsync(100)).Transfer.CreditAccountId);
    }

    [Fact]
    public async Task Linked_chain_is_not_broken_by_an_exact_duplicate()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10).Linked(), Transfer(101, A, B, 1));

        var retried = await Ledger.ResultsAsync(Transfer(100, A, B, 10).Linked(), Transfer(102, A, C, 2));
        var inBatch = await Ledger.ResultsAsync(Transfer(103, A, C, 3).Linked(), Transfer(103, A, C, 3).Linked(), Transfer(104, A, C, 4));

        Assert.Equal([R.Exists, R.Created], retried);
        Assert.Equal([R.Created, R.Exists, R.Created], inBatch);
        await Ledger.AssertBalancesAsync(A, 0, 20, 0, 0);
    }

    [Fact]
    public async Task Linked_chain_is_broken_by_exists_with_different_fields()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, A, B, 10));
        var outcome = await Ledger.ResultsAsync(Transfer(101, A, C, 1).Linked(), Transfer(102, A, C, 1).Linked(), Transfer(100, A, B, 11), Transfer(103, A, C, 1));
        Assert.Equal([R.LinkedEventFailed, R.LinkedEventFailed, R.ExistsWithDifferentAmount, R.Created], outcome);
        await Ledger.AssertBalancesAsync(A, 0, 11, 0, 0);
    }

    [Fact]
    public async Task LinkedEventChainOpen()
    {
        await SeedAsync();
        var outcome = await Ledger.ResultsAsync(Transfer(100, A, B, 1), Transfer(101, A, B, 2).Linked(), Transfer(102, A, B, 4).Linked());
        Assert.Equal([R.Created, R.LinkedEventFailed, R.LinkedEventChainOpen], outcome);
        await Ledger.AssertBalancesAsync(A, 0, 1, 0, 0);

        Assert.Equal([R.LinkedEventChainOpen], await Ledger.ResultsAsync(Transfer(103, A, B, 8).Linked()));
        Assert.False(await Ledger.TransferExistsAsync(103));
    }

    /// <summary>
    /// A chain still open at the end of a request gets linked_event_chain_open on its last event, even
    /// when an earlier event of that chain already failed (TigerBeetle checks chain-open before
    /// chain-broken).
    /// </summary>
    [Fact]
    public async Task LinkedEventChainOpen_on_the_last_event_even_after_the_chain_already_failed()
    {
        await SeedAsync();
        var outcome = await Ledger.ResultsAsync(
            Transfer(100, A, B, 1).Linked(),
            Transfer(101, A, 77, 1).Linked(),
            Transfer(102, A, B, 1).Linked());
        Assert.Equal([R.LinkedEventFailed, R.CreditAccountNotFound, R.LinkedEventChainOpen], outcome);
    }

    // ---- the principal: who may debit ----

    [Fact]
    public async Task Forbidden_debit_refuses_the_whole_request_and_nothing_commits()
    {
        await SeedAsync();
        var outcome = await Ledger.SubmitAsAsync(
            P,
            Transfer(100, A, C, 10),
            Pending(101, A, B, 5),
            Transfer(102, B, C, 1),
            Transfer(103, A, C, 1));

        Assert.True(outcome.Forbidden);
        Assert.Equal(2, outcome.ForbiddenIndex);
        Assert.Empty(outcome.Results);
        foreach (UInt128 id in new UInt128[] { 100, 101, 102, 103 })
        {
            Assert.False(await Ledger.TransferExistsAsync(id));
        }

        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 0);
        Assert.Equal(0UL, (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize);
    }

    [Fact]
    public async Task Principal_may_debit_its_own_accounts_and_credit_anyone()
    {
        await SeedAsync();
        var outcome = await Ledger.SubmitAsAsync(P, Transfer(100, A, B, 10), Pending(101, A, C, 5), Post(102, 101));
        Assert.False(outcome.Forbidden);
        Assert.Equal([R.Created, R.Created, R.Created], outcome.Results.Select(r => r.Result));

        // The operator (principal zero) may debit any account.
        Assert.Equal([R.Created], (await Ledger.SubmitAsAsync(0, Transfer(103, B, C, 1))).Results.Select(r => r.Result));
    }

    [Fact]
    public async Task Forbidden_post_or_void_of_someone_elses_pending_transfer()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, B, C, 10));

        var post = await Ledger.SubmitAsAsync(P, Transfer(101, A, C, 1), Post(102, 100));
        var voided = await Ledger.SubmitAsAsync(P, Void(103, 100));

        Assert.Equal(1, post.ForbiddenIndex);
        Assert.Equal(0, voided.ForbiddenIndex);
        Assert.False(await Ledger.TransferExistsAsync(101));
        await Ledger.AssertBalancesAsync(B, 10, 0, 0, 0);
        Assert.Equal(R.Created, (await Ledger.SubmitAsAsync(Q, Post(102, 100))).Results[0].Result);
    }

    [Fact]
    public async Task Forbidden_retry_of_someone_elses_transfer()
    {
        // The right to debit is checked before the exists checks: a retry is refused, not "exists".
        await SeedAsync();
        await Ledger.CreatedAsync(Transfer(100, B, C, 10));
        var outcome = await Ledger.SubmitAsAsync(P, Transfer(100, B, C, 10));
        Assert.Equal(0, outcome.ForbiddenIndex);
    }

    [Fact]
    public async Task Forbidden_inside_a_linked_chain_refuses_the_request()
    {
        await SeedAsync();
        var outcome = await Ledger.SubmitAsAsync(P, Transfer(100, A, C, 1), Transfer(101, A, C, 1).Linked(), Transfer(102, B, C, 1).Linked(), Transfer(103, A, C, 1));
        Assert.Equal(2, outcome.ForbiddenIndex);
        Assert.False(await Ledger.TransferExistsAsync(100));
        await Ledger.AssertBalancesAsync(C, 0, 0, 0, 0);
    }

    /// <summary>
    /// The last event of a chain left open is not run, so its debit is never checked: the request below
    /// debits Q's account B, yet is not refused and its first event commits.
    /// </summary>
    [Fact]
    public async Task Forbidden_debit_as_the_last_event_of_an_open_chain_refuses_the_request()
    {
        await SeedAsync();
        var outcome = await Ledger.SubmitAsAsync(P, Transfer(100, A, C, 1), Transfer(101, B, C, 1).Linked());
        Assert.Equal(1, outcome.ForbiddenIndex);
        Assert.False(await Ledger.TransferExistsAsync(100));
    }

    /// <summary>Events after a failed link are not run either, so a debit of someone else's account there is not refused.</summary>
    [Fact]
    public async Task Forbidden_debit_after_a_failed_link_refuses_the_request()
    {
        await SeedAsync();
        var outcome = await Ledger.SubmitAsAsync(P, Transfer(100, A, C, 1), Transfer(101, A, C, 0).Linked(), Transfer(102, B, C, 1));
        Assert.Equal(2, outcome.ForbiddenIndex);
        Assert.False(await Ledger.TransferExistsAsync(100));
    }

    /// <summary>
    /// The right to debit is checked after the account lookups and the ledger check, so a participant
    /// learns whether someone else's account exists (credit_account_not_found or ledger_must_match
    /// against debit_account_not_found) and the request is not refused.
    /// </summary>
    [Fact]
    public async Task Forbidden_debit_that_also_fails_validation_refuses_the_request()
    {
        await SeedAsync();
        var missingCredit = await Ledger.SubmitAsAsync(P, Transfer(100, B, 77, 1));
        var otherLedger = await Ledger.SubmitAsAsync(P, Transfer(101, B, D, 1));
        Assert.Equal(0, missingCredit.ForbiddenIndex);
        Assert.Equal(0, otherLedger.ForbiddenIndex);
    }

    [Fact]
    public async Task Forbidden_closing_credit_of_someone_elses_account()
    {
        await SeedAsync();
        var closing = Pending(100, A, B, 1) with { Flags = TransferFlags.Pending | TransferFlags.ClosingCredit };

        var outcome = await Ledger.SubmitAsAsync(P, closing);

        Assert.Equal(0, outcome.ForbiddenIndex);
        Assert.False(await Ledger.TransferExistsAsync(100));
        Assert.Equal(R.Created, (await Ledger.SubmitAsAsync(Q, Transfer(101, B, C, 1))).Results[0].Result);
    }

    // ---- timestamps ----

    [Fact]
    public async Task Timestamps_strictly_increase_in_commit_order_even_when_the_clock_steps_back()
    {
        await SeedAsync();
        var first = await Ledger.CreatedAsync(Transfer(100, A, B, 1), Transfer(101, A, B, 1));
        Ledger.Clock.Advance(TimeSpan.FromHours(-1));
        var second = await Ledger.CreatedAsync(Transfer(102, A, B, 1));
        Ledger.Clock.Set(ManualClock.DefaultStart.AddYears(-1));
        var third = await Ledger.CreatedAsync(Transfer(103, A, B, 1), Transfer(104, A, B, 1));

        ulong[] timestamps = [.. first.Concat(second).Concat(third).Select(r => r.Timestamp)];
        Assert.Equal(first[0].Timestamp + 1, first[1].Timestamp);
        Assert.Equal(first[1].Timestamp + 1, second[0].Timestamp);
        for (var i = 1; i < timestamps.Length; i++)
        {
            Assert.True(timestamps[i] > timestamps[i - 1]);
        }

        for (var i = 0; i < 5; i++)
        {
            var stored = await Ledger.TransferAsync((UInt128)(100 + i));
            Assert.Equal((ulong)i, stored.LogIndex);
            Assert.Equal(timestamps[i], stored.Transfer.Timestamp);
        }

        Assert.Equal(new Storage.LedgerHead(timestamps[^1], 5), await Ledger.Store.GetHeadAsync(Ledger.Token));
    }

    [Fact]
    public async Task Timestamps_of_a_request_are_consecutive_including_failed_events()
    {
        await SeedAsync();
        var now = Ledger.Clock.NowNanoseconds;
        var outcome = await Ledger.SubmitAsync(Transfer(100, A, B, 1), Transfer(101, A, B, 0), Transfer(102, A, B, 1));
        Assert.Equal([now, now + 1, now + 2], outcome.Results.Select(r => r.Timestamp));
        Assert.Equal(now + 2, (await Ledger.TransferAsync(102)).Transfer.Timestamp);
    }

    // ---- request limits ----

    [Fact]
    public async Task Request_of_8189_events_is_accepted()
    {
        await SeedAsync();
        var transfers = Enumerable.Range(1, LedgerLimits.EventsPerBatchMax).Select(i => Transfer((UInt128)(1000 + i), A, B, 1)).ToArray();

        var outcome = await Ledger.SubmitAsync(transfers);

        Assert.Equal(8189, outcome.Results.Count);
        Assert.All(outcome.Results, r => Assert.Equal(R.Created, r.Result));
        await Ledger.AssertBalancesAsync(A, 0, 8189, 0, 0);
        Assert.Equal(8189UL, (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize);
    }

    [Fact]
    public async Task Request_of_8190_events_is_rejected()
    {
        await SeedAsync();
        var transfers = Enumerable.Range(1, LedgerLimits.EventsPerBatchMax + 1).Select(i => Transfer((UInt128)(1000 + i), A, B, 1)).ToArray();
        var accounts = Enumerable.Range(1, LedgerLimits.EventsPerBatchMax + 1).Select(i => Account((UInt128)(1000 + i))).ToArray();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Ledger.SubmitAsync(transfers));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Ledger.CreateAccountsAsync(accounts));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Ledger.SubmitAsync());

        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 0);
        Assert.Null(await Ledger.Store.GetAccountAsync(1001, Ledger.Token));
    }
}
