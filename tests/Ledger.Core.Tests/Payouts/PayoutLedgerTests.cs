using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Core.Tokens;

namespace Ledger.Core.Tests.Payouts;

public sealed class SqlitePayoutLedgerTests(SqliteStoreFixture fixture) : PayoutLedgerTests<SqliteStoreFixture>(fixture);

public sealed class PostgresPayoutLedgerTests(PostgresStoreFixture fixture) : PayoutLedgerTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The ledger side of payouts as the silo drives it: the clearing account is made once; a missing hold is
/// left to the request inside the grace and committed after it; a refused hold fails the payout; a payout
/// failed meanwhile never keeps a hold; a hold is posted or voided once and never the opposite way.
/// </summary>
public abstract class PayoutLedgerTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const uint Usdc = 1_000_001;
    private const ulong Funds = 1_000_000;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly UInt128 Operator = 0x0F, Merchant = 0xB2;
    private static readonly UInt128 Funding = 0xF1, MerchantUsdc = 0xB2A;

    private PayoutLedger? holds;

    private IPayoutStore Payouts => (IPayoutStore)Ledger.Store;

    private PayoutLedger Holds => holds ??= new PayoutLedger(Payouts, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);

    private static UInt128 Clearing => OperatorAccounts.PayoutClearingId(Usdc);

    private DateTimeOffset Now => Ledger.Clock.GetUtcNow();

    [Fact]
    public async Task The_clearing_account_is_made_once_per_ledger_for_the_operator()
    {
        await Holds.EnsureClearingAccountAsync(Usdc, Ledger.Token);
        var logSize = await LogSizeAsync();
        await Holds.EnsureClearingAccountAsync(Usdc, Ledger.Token);
        Assert.Equal(logSize, await LogSizeAsync());

        var account = await Ledger.AccountAsync(Clearing);
        Assert.Equal((OperatorAccounts.PayoutClearingCode, Operator, Usdc, AccountFlags.None), (account.Code, account.UserData128, account.Ledger, account.Flags));
        await Holds.EnsureClearingAccountAsync(840, Ledger.Token);
        Assert.NotEqual(Clearing, OperatorAccounts.PayoutClearingId(840));
        Assert.Equal(840u, (await Ledger.AccountAsync(OperatorAccounts.PayoutClearingId(840))).Ledger);
    }

    [Fact]
    public async Task A_missing_hold_waits_out_the_grace_then_is_committed_once()
    {
        await SetUpAsync();
        var payout = await RecordAsync(0xD1, 70_000);

        Assert.Equal(HoldState.Waiting, await Holds.EnsureHoldAsync(payout, Grace, Ledger.Token));
        Ledger.Clock.Advance(Grace - TimeSpan.FromTicks(1));
        Assert.Equal(HoldState.Waiting, await Holds.EnsureHoldAsync(payout, Grace, Ledger.Token));
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        Assert.False(await Holds.IsHeldAsync(0xD1, Ledger.Token));

        Ledger.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(HoldState.Held, await Holds.EnsureHoldAsync(payout, Grace, Ledger.Token));
        var logSize = await LogSizeAsync();
        Assert.Equal(HoldState.Held, await Holds.EnsureHoldAsync(payout, Grace, Ledger.Token));
        Assert.Equal(logSize, await LogSizeAsync());
        Assert.True(await Holds.IsHeldAsync(0xD1, Ledger.Token));

        var hold = await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1));
        Assert.Equal((MerchantUsdc, Clearing, (UInt128)70_000, TransferFlags.Pending), (hold.Transfer.DebitAccountId, hold.Transfer.CreditAccountId, hold.Transfer.Amount, hold.Transfer.Flags));
        Assert.Equal(PayoutStatus.Pending, (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 70_000, 0, 0, Funds);

        // A hold already there is Held at once, grace or not.
        var fresh = await RecordAsync(0xD2, 1_000);
        Assert.Null(await Holds.CommitHoldAsync(fresh, Ledger.Token));
        Assert.Equal(HoldState.Held, await Holds.EnsureHoldAsync(fresh, Grace, Ledger.Token));
    }

    [Fact]
    public async Task A_hold_the_ledger_refuses_after_the_grace_fails_the_payout_and_holds_nothing()
    {
        await SetUpAsync();
        var payout = await RecordAsync(0xD1, Funds + 1);
        Ledger.Clock.Advance(Grace);

        Assert.Equal(HoldState.Refused, await Holds.EnsureHoldAsync(payout, Grace, Ledger.Token));

        var failed = (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!;
        Assert.Equal((PayoutStatus.Failed, "exceeds_credits", Now), (failed.Status, failed.FailureReason, failed.UpdatedAt));
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);

        // CommitHoldAsync says why.
        var other = await RecordAsync(0xD2, Funds + 1);
        Assert.Equal(CreateTransferResult.ExceedsCredits, await Holds.CommitHoldAsync(other, Ledger.Token));
        Assert.Equal(PayoutStatus.Failed, (await Payouts.GetPayoutAsync(0xD2, Ledger.Token))!.Status);
    }

    [Fact]
    public async Task A_stale_copy_of_a_payout_failed_meanwhile_gets_no_hold_even_once_the_funds_are_there()
    {
        await SetUpAsync();

        // The silo listed the payout Pending; before it got to the hold, the request's hold was refused and
        // failed the payout, then funds arrived.
        var stale = await RecordAsync(0xD1, Funds + 1);
        Assert.Equal(CreateTransferResult.ExceedsCredits, await Holds.CommitHoldAsync(stale, Ledger.Token));
        await Ledger.CreatedAsync(Deposit(0xF9, 10));
        Ledger.Clock.Advance(Grace);

        Assert.Equal(HoldState.Refused, await Holds.EnsureHoldAsync(stale, Grace, Ledger.Token));

        Assert.False(await Holds.IsHeldAsync(0xD1, Ledger.Token));
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds + 10);
        Assert.Equal(PayoutStatus.Failed, (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!.Status);
    }

    [Fact]
    public async Task A_hold_committed_for_a_payout_failed_between_its_check_and_the_commit_is_voided()
    {
        await SetUpAsync();
        var staged = new StagedPayoutStore(Payouts);
        var silo = new PayoutLedger(staged, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);
        var payout = await RecordAsync(0xD1, 50_000);
        Ledger.Clock.Advance(Grace);

        // The silo reads the payout Pending; right after, the request's refusal (the balance was short for it) fails it.
        staged.AfterGet(async read =>
        {
            Assert.Equal(PayoutStatus.Pending, read.Status);
            Assert.True(await Payouts.TryFailPendingPayoutAsync(read.Id, "exceeds_credits", Now, Ledger.Token));
        });

        Assert.Equal(HoldState.Refused, await silo.EnsureHoldAsync(payout, Grace, Ledger.Token));

        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 0, 0);
        Assert.Equal(PayoutStatus.Failed, (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!.Status);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_hold_is_posted_or_voided_once_and_the_opposite_resolution_or_a_missing_hold_throws()
    {
        await SetUpAsync();
        var paid = await RecordAsync(0xD1, 300_000);
        var returned = await RecordAsync(0xD2, 50_000);
        await RecordAsync(0xD3, 1_000);
        Assert.Null(await Holds.CommitHoldAsync(paid, Ledger.Token));
        Assert.Null(await Holds.CommitHoldAsync(returned, Ledger.Token));

        await Holds.ResolveAsync(0xD1, paid: true, Ledger.Token);
        await Holds.ResolveAsync(0xD2, paid: false, Ledger.Token);
        var logSize = await LogSizeAsync();
        await Holds.ResolveAsync(0xD1, paid: true, Ledger.Token);
        await Holds.ResolveAsync(0xD2, paid: false, Ledger.Token);
        Assert.Equal(logSize, await LogSizeAsync());

        var post = await Ledger.TransferAsync(PayoutLegs.PostId(0xD1));
        Assert.Equal((PayoutLegs.HoldId(0xD1), (UInt128)0xD1, (UInt128)300_000), (post.Transfer.PendingId, post.Transfer.UserData128, post.Transfer.Amount));
        Assert.True(await Ledger.TransferExistsAsync(PayoutLegs.VoidId(0xD2)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 300_000, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 0, 300_000);

        // A resolved hold is not held, and EnsureHold says so.
        Assert.False(await Holds.IsHeldAsync(0xD1, Ledger.Token));
        Assert.Equal(HoldState.Resolved, await Holds.EnsureHoldAsync(paid, Grace, Ledger.Token));
        Assert.Equal(HoldState.Resolved, await Holds.EnsureHoldAsync(returned, Grace, Ledger.Token));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveAsync(0xD1, paid: false, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveAsync(0xD2, paid: true, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveAsync(0xD3, paid: true, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveAsync(0xD3, paid: false, Ledger.Token));
        Assert.Equal(logSize, await LogSizeAsync());
        Assert.Equal(PendingStatus.Posted, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD2))).Pending!.Value.Status);
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD3)));
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_batch_of_holds_is_posted_in_one_commit_and_a_batch_with_a_missing_hold_writes_nothing()
    {
        await SetUpAsync();
        var ids = new List<UInt128>();
        for (UInt128 id = 0xE0; id < 0xE0 + 40; id++)
        {
            Assert.Null(await Holds.CommitHoldAsync(await RecordAsync(id, 1_000), Ledger.Token));
            ids.Add(id);
        }

        // One of them resolved already (a round that crashed half-way): the rest are posted, once.
        await Holds.ResolveAsync(ids[7], paid: true, Ledger.Token);
        var batches = Ledger.Engine.Metrics.BatchesCommitted;
        await Holds.ResolveManyAsync(ids, paid: true, Ledger.Token);
        Assert.Equal(batches + 1, Ledger.Engine.Metrics.BatchesCommitted);
        foreach (var id in ids)
        {
            Assert.Equal(PendingStatus.Posted, (await Ledger.TransferAsync(PayoutLegs.HoldId(id))).Pending!.Value.Status);
        }

        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 40_000, 0, Funds);
        var logSize = await LogSizeAsync();
        await Holds.ResolveManyAsync(ids, paid: true, Ledger.Token);
        Assert.Equal(logSize, await LogSizeAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveManyAsync(ids, paid: false, Ledger.Token));

        // A hold missing from the batch: nothing is written, not even the others'.
        var held = await RecordAsync(0xE9_00, 2_000);
        Assert.Null(await Holds.CommitHoldAsync(held, Ledger.Token));
        await RecordAsync(0xE9_01, 2_000);
        logSize = await LogSizeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Holds.ResolveManyAsync([0xE9_00, 0xE9_01], paid: false, Ledger.Token));
        Assert.True(await Holds.IsHeldAsync(0xE9_00, Ledger.Token));
        Assert.Equal(logSize, await LogSizeAsync());
        await Ledger.AssertBooksBalanceAsync();
    }

    /// <summary>The merchant's payable USDC account, funded with <see cref="Funds"/>, and the clearing account.</summary>
    private async Task SetUpAsync()
    {
        await Ledger.CreateAccountsCreatedAsync(
            new Account { Id = Funding, Ledger = Usdc, Code = 1, UserData128 = Operator },
            new Account { Id = MerchantUsdc, Ledger = Usdc, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant, Flags = AccountFlags.DebitsMustNotExceedCredits });
        await Ledger.CreatedAsync(Deposit(0xF0, Funds));
        await Holds.EnsureClearingAccountAsync(Usdc, Ledger.Token);
    }

    /// <summary>Records a Pending payout of the merchant's account as a request does before its hold.</summary>
    private async Task<Payout> RecordAsync(UInt128 id, UInt128 amount)
    {
        var payout = new Payout(
            id, Merchant, MerchantUsdc, Clearing, Usdc, amount, amount, PayoutRail.Erc20, Enumerable.Repeat((byte)0x0B, 20).ToArray(),
            PayoutLegs.HoldId(id), PayoutStatus.Pending, null, null, Now, Now);
        var (result, stored) = await Payouts.TryAddPayoutAsync(payout, Ledger.Token);
        Assert.Equal(PayoutCreation.Created, result);
        return stored;
    }

    private static Transfer Deposit(UInt128 id, UInt128 amount) =>
        new() { Id = id, DebitAccountId = Funding, CreditAccountId = MerchantUsdc, Amount = amount, Ledger = Usdc, Code = 1 };

    private async Task<ulong> LogSizeAsync() => (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize;
}
