using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Core.Tokens;

namespace Ledger.Core.Tests.Payouts;

public sealed class SqlitePayoutProcessorTests(SqliteStoreFixture fixture) : PayoutProcessorTests<SqliteStoreFixture>(fixture);

public sealed class PostgresPayoutProcessorTests(PostgresStoreFixture fixture) : PayoutProcessorTests<PostgresStoreFixture>(fixture);

/// <summary>
/// Payout requests through the real engine and store: a good one is recorded Pending and holds exactly its
/// amount from the merchant's payable account toward payout clearing; a refused one changes nothing; a
/// replay answers the stored payout; a hold the ledger refuses fails the payout and holds nothing, also when
/// the silo's pipeline and the request's race each other; concurrent requests never hold twice or more than
/// the balance.
/// </summary>
public abstract class PayoutProcessorTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string RailCurrency = "USDC";
    private const byte TokenDecimals = 6;
    private const ulong Funds = 1_000_000;

    private static readonly UInt128 Operator = 0x0F, Merchant = 0xB2, Bank = 0xB1, Stranger = 0xC3, Auditor = 0xA0;
    private static readonly UInt128 Funding = 0xF1, UsdFunding = 0xF2;
    private static readonly UInt128 MerchantUsdc = 0xB2A, MerchantUsd = 0xB2B, SpareUsdc = 0xB2C, OverdraftUsdc = 0xB2D, SettlementUsdc = 0xB2E, ClosedUsdc = 0xB2F, BankUsdc = 0xB1A;
    private static readonly Currency Usdc = new("USDC", 1_000_001, 6);
    private static readonly Currency Usd = new("USD", 840, 2);
    private static readonly byte[] Wallet = Bytes(20, 0x0B), Other = Bytes(20, 0x0C), Sanctioned = Bytes(20, 0x5A);

    private PayoutProcessor? processor;

    private IPayoutStore Payouts => (IPayoutStore)Ledger.Store;

    private PayoutProcessor Processor => processor ??= NewProcessor(Payouts);

    private DateTimeOffset Now => Ledger.Clock.GetUtcNow();

    private static UInt128 Clearing => OperatorAccounts.PayoutClearingId(Usdc.Ledger);

    [Fact]
    public async Task A_payout_is_recorded_pending_and_holds_its_amount_from_the_merchant_account_toward_payout_clearing()
    {
        await SetUpAsync();
        Assert.Null(await Ledger.Store.GetAccountAsync(Clearing, Ledger.Token));

        var outcome = await CreateAsync(Request(0xD1, 250_000));

        Assert.Equal((PayoutError.None, true, (string?)null), (outcome.Error, outcome.Created, outcome.LedgerResult));
        var payout = outcome.Payout!;
        Assert.Equal(
            ((UInt128)0xD1, Merchant, MerchantUsdc, Clearing, Usdc.Ledger, (UInt128)250_000, (UInt128)250_000, PayoutRail.Erc20, PayoutLegs.HoldId(0xD1)),
            (payout.Id, payout.ParticipantId, payout.AccountId, payout.ClearingAccountId, payout.Ledger, payout.Amount, payout.TokenAmount, payout.Rail, payout.HoldTransferId));
        Assert.Equal((PayoutStatus.Pending, (ulong?)null, (string?)null, Now, Now), (payout.Status, payout.BatchSeq, payout.FailureReason, payout.CreatedAt, payout.UpdatedAt));
        Assert.Equal(Wallet, payout.Destination);

        var clearing = await Ledger.AccountAsync(Clearing);
        Assert.Equal((OperatorAccounts.PayoutClearingCode, Operator, Usdc.Ledger, AccountFlags.None), (clearing.Code, clearing.UserData128, clearing.Ledger, clearing.Flags));

        var hold = await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1));
        Assert.Equal(
            (MerchantUsdc, Clearing, (UInt128)250_000, (UInt128)0xD1, PayoutLegs.HoldCode, TransferFlags.Pending, 0u, Usdc.Ledger),
            (hold.Transfer.DebitAccountId, hold.Transfer.CreditAccountId, hold.Transfer.Amount, hold.Transfer.UserData128, hold.Transfer.Code, hold.Transfer.Flags, hold.Transfer.TimeoutSeconds, hold.Transfer.Ledger));
        Assert.Equal((PendingStatus.Pending, 0UL), (hold.Pending!.Value.Status, hold.Pending.Value.ExpiresAt));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 250_000, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 250_000, 0);
        await Ledger.AssertBooksBalanceAsync();

        var stored = (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!;
        Assert.Equal(payout with { Destination = stored.Destination }, stored);
        Assert.Equal(Wallet, stored.Destination);
        Assert.Equal([(UInt128)0xD1], Ids(await Payouts.ListPendingPayoutsAsync(10, Ledger.Token)));

        // A second payout finds the clearing account there; the first one's hold still stands.
        Assert.Equal(PayoutError.None, (await CreateAsync(Request(0xD2, 750_000))).Error);
        await Ledger.AssertBalancesAsync(MerchantUsdc, Funds, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, Funds, 0);
        Assert.Equal(new PayoutRequestMetricsSnapshot(2, 2, 0, 0, 0), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task The_operator_may_pay_out_from_anyones_account_and_token_units_follow_the_token_decimals()
    {
        await SetUpAsync();

        // USDC's 6 decimals as an 18-decimal token; the payout belongs to the account's owner, not the operator.
        var outcome = await Processor.CreateAsync(Request(0xD1, 123_457), Usdc, RailCurrency, 18, Operator, true, Ledger.Token);
        Assert.Equal(
            (PayoutError.None, Merchant, (UInt128)123_457 * 1_000_000_000_000),
            (outcome.Error, outcome.Payout!.ParticipantId, outcome.Payout.TokenAmount));

        // Fewer token decimals than the currency's: an amount that divides exactly converts.
        var fewer = await CreateAsync(Request(0xD2, 234_000), decimals: 3);
        Assert.Equal((PayoutError.None, (UInt128)234), (fewer.Error, fewer.Payout!.TokenAmount));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 123_457 + 234_000, 0, 0, Funds);
    }

    [Fact]
    public async Task Every_refused_request_changes_nothing_and_names_its_own_error()
    {
        await SetUpAsync();
        await Payouts.DenyAddressAsync(new DeniedAddress(Sanctioned, "sanctions list", "api", Now), Ledger.Token);
        var logSize = await LogSizeAsync();
        var good = Request(0xD1, 1_000);
        (PayoutRequest Request, Currency Currency, byte Decimals, UInt128 Caller, PayoutError Error)[] cases =
        [
            (good with { Rail = PayoutRail.Bitcoin }, Usdc, TokenDecimals, Merchant, PayoutError.RailNotSupported),
            (good with { Rail = (PayoutRail)99 }, Usdc, TokenDecimals, Merchant, PayoutError.RailNotSupported),
            (good with { AccountId = MerchantUsd }, Usd, TokenDecimals, Merchant, PayoutError.CurrencyNotSupported),
            (good with { Amount = 0 }, Usdc, TokenDecimals, Merchant, PayoutError.AmountNotPositive),
            (good with { Amount = 1_234_567 }, Usdc, 2, Merchant, PayoutError.AmountNotRepresentable),
            (good with { Amount = (UInt128.MaxValue / 1_000_000) + 1 }, Usdc, 12, Merchant, PayoutError.AmountNotRepresentable),
            (good with { AccountId = 0xDEAD }, Usdc, TokenDecimals, Merchant, PayoutError.AccountNotFound),
            (good with { AccountId = BankUsdc }, Usdc, TokenDecimals, Merchant, PayoutError.NotAccountOwner),
            (good, Usdc, TokenDecimals, Stranger, PayoutError.NotAccountOwner),
            (good with { AccountId = MerchantUsd }, Usdc, TokenDecimals, Merchant, PayoutError.CurrencyMismatch),
            (good with { AccountId = OverdraftUsdc }, Usdc, TokenDecimals, Merchant, PayoutError.AccountNotPayable),
            (good with { AccountId = SettlementUsdc }, Usdc, TokenDecimals, Merchant, PayoutError.AccountNotPayable),
            (good with { AccountId = ClosedUsdc, Amount = 1 }, Usdc, TokenDecimals, Merchant, PayoutError.AccountNotPayable),
            (good with { Destination = [.. Sanctioned] }, Usdc, TokenDecimals, Merchant, PayoutError.DestinationDenied),
        ];
        foreach (var (request, currency, decimals, caller, error) in cases)
        {
            var outcome = await Processor.CreateAsync(request, currency, RailCurrency, decimals, caller, false, Ledger.Token);
            Assert.Equal((error, (Payout?)null, false, (string?)null), (outcome.Error, outcome.Payout, outcome.Created, outcome.LedgerResult));
        }

        Assert.Empty(await Payouts.ListPayoutsAsync(null, 10, Ledger.Token));
        Assert.Equal(logSize, await LogSizeAsync());
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        Assert.Null(await Ledger.Store.GetAccountAsync(Clearing, Ledger.Token));
        Assert.Null(await Ledger.Store.GetAccountAsync(OperatorAccounts.PayoutClearingId(Usd.Ledger), Ledger.Token));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(MerchantUsd, 0, 0, 0, Funds);
        Assert.Equal(new PayoutRequestMetricsSnapshot(cases.Length, 0, cases.Length, 0, 0), Processor.Metrics.Snapshot());

        // The same request from the owner, once the address is allowed again, goes through.
        Assert.True(await Payouts.AllowAddressAsync(Sanctioned, Ledger.Token));
        Assert.Equal(PayoutError.None, (await CreateAsync(good with { Destination = [.. Sanctioned] })).Error);
    }

    [Fact]
    public async Task A_destination_that_is_not_an_address_or_a_list_limit_out_of_range_is_a_bug_of_the_caller()
    {
        await SetUpAsync();
        foreach (var destination in new[] { Bytes(19, 1), Bytes(21, 1), Bytes(20, 0), Array.Empty<byte>() })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(Request(0xD1, 1_000) with { Destination = destination }));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => CreateAsync(Request(0xD1, 1_000) with { Destination = null! }));
        Assert.Empty(await Payouts.ListPayoutsAsync(null, 10, Ledger.Token));
        Assert.Equal(new PayoutRequestMetricsSnapshot(0, 0, 0, 0, 0), Processor.Metrics.Snapshot());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Processor.ListAsync(Merchant, false, false, 0, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Processor.ListAsync(Merchant, false, false, PayoutProcessor.ListMax + 1, Ledger.Token));
        Assert.Empty(await Processor.ListAsync(Merchant, false, false, PayoutProcessor.ListMax, Ledger.Token));
    }

    [Fact]
    public async Task The_same_request_again_answers_the_payout_unchanged_and_anything_different_is_PayoutExists()
    {
        await SetUpAsync();
        var request = Request(0xD1, 40_000);
        var first = (await CreateAsync(request)).Payout!;
        var logSize = await LogSizeAsync();

        Ledger.Clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var (again, caller, isOperator) in new[] { (request, Merchant, false), (request with { Destination = [.. Wallet] }, Merchant, false), (request, Operator, true) })
        {
            var outcome = await Processor.CreateAsync(again, Usdc, RailCurrency, TokenDecimals, caller, isOperator, Ledger.Token);
            Assert.Equal((PayoutError.None, false, (string?)null), (outcome.Error, outcome.Created, outcome.LedgerResult));
            Assert.Equal((first.Id, first.Status, first.CreatedAt, first.UpdatedAt), (outcome.Payout!.Id, outcome.Payout.Status, outcome.Payout.CreatedAt, outcome.Payout.UpdatedAt));
        }

        PayoutRequest[] different =
        [
            request with { Amount = 40_001 },
            request with { AccountId = SpareUsdc },
            request with { Rail = PayoutRail.Bitcoin },
            request with { Destination = [.. Other] },
        ];
        foreach (var changed in different)
        {
            var outcome = await CreateAsync(changed);
            Assert.Equal((PayoutError.PayoutExists, (Payout?)null, false), (outcome.Error, outcome.Payout, outcome.Created));
        }

        // In another currency, or asked by someone who does not own the account: not the same request either.
        Assert.Equal(PayoutError.PayoutExists, (await CreateAsync(request, currency: Usd)).Error);
        Assert.Equal(PayoutError.PayoutExists, (await CreateAsync(request, caller: Stranger)).Error);

        Assert.Equal(logSize, await LogSizeAsync());
        Assert.True(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 40_000, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(SpareUsdc, 0, 0, 0, Funds);
        var stored = Assert.Single(await Payouts.ListPayoutsAsync(null, 10, Ledger.Token));
        Assert.Equal((first.Amount, first.AccountId, first.UpdatedAt, PayoutStatus.Pending), (stored.Amount, stored.AccountId, stored.UpdatedAt, stored.Status));
        Assert.Equal(new PayoutRequestMetricsSnapshot(10, 1, 6, 0, 3), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task A_hold_the_ledger_refuses_fails_the_payout_holds_nothing_and_a_retry_answers_the_same_refusal()
    {
        await SetUpAsync();
        var request = Request(0xD1, Funds + 1);

        var outcome = await CreateAsync(request);

        Assert.Equal((PayoutError.InsufficientFunds, "exceeds_credits", true), (outcome.Error, outcome.LedgerResult, outcome.Created));
        Assert.Equal((PayoutStatus.Failed, "exceeds_credits", (ulong?)null), (outcome.Payout!.Status, outcome.Payout.FailureReason, outcome.Payout.BatchSeq));
        var stored = (await Payouts.GetPayoutAsync(0xD1, Ledger.Token))!;
        Assert.Equal((PayoutStatus.Failed, "exceeds_credits"), (stored.Status, stored.FailureReason));
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 0, 0);
        Assert.Empty(await Payouts.ListPendingPayoutsAsync(10, Ledger.Token));

        // The retry answers the refusal again and changes nothing, even once the funds are there: the id is spent.
        await Ledger.CreatedAsync(Deposit(0xF9, MerchantUsdc, 10));
        var logSize = await LogSizeAsync();
        var again = await CreateAsync(request);
        Assert.Equal(
            (PayoutError.InsufficientFunds, "exceeds_credits", false, PayoutStatus.Failed, stored.UpdatedAt),
            (again.Error, again.LedgerResult, again.Created, again.Payout!.Status, again.Payout.UpdatedAt));
        Assert.Equal(logSize, await LogSizeAsync());
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));

        // A new id pays out.
        Assert.Equal(PayoutError.None, (await CreateAsync(request with { Id = 0xD2 })).Error);
        await Ledger.AssertBalancesAsync(MerchantUsdc, Funds + 1, 0, 0, Funds + 10);
        await Ledger.AssertBooksBalanceAsync();
        Assert.Equal(new PayoutRequestMetricsSnapshot(3, 1, 0, 1, 1), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task Any_other_refusal_of_the_hold_is_LedgerRefused_with_the_ledgers_result_name()
    {
        await SetUpAsync();

        // A clearing account that may not be credited past its debits (set up wrongly by hand) refuses every hold.
        await Ledger.CreateAccountsCreatedAsync(OperatorAccounts.PayoutClearing(Operator, Usdc.Ledger) with { Flags = AccountFlags.CreditsMustNotExceedDebits });

        var outcome = await CreateAsync(Request(0xD1, 1_000));

        Assert.Equal((PayoutError.LedgerRefused, "exceeds_debits", true), (outcome.Error, outcome.LedgerResult, outcome.Created));
        Assert.Equal((PayoutStatus.Failed, "exceeds_debits"), (outcome.Payout!.Status, outcome.Payout.FailureReason));
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);

        var again = await CreateAsync(Request(0xD1, 1_000));
        Assert.Equal((PayoutError.LedgerRefused, "exceeds_debits", false), (again.Error, again.LedgerResult, again.Created));
    }

    [Fact]
    public async Task A_retry_after_a_crash_before_the_hold_commits_the_hold_once()
    {
        await SetUpAsync();

        // Recorded by a request that crashed before its hold (the clearing account was made before recording).
        await Ledger.CreateAccountsCreatedAsync(OperatorAccounts.PayoutClearing(Operator, Usdc.Ledger));
        var recorded = (await Payouts.TryAddPayoutAsync(Recorded(0xD1, 30_000), Ledger.Token)).Payout;
        Assert.False(await Ledger.TransferExistsAsync(PayoutLegs.HoldId(0xD1)));

        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));
        var retry = await CreateAsync(Request(0xD1, 30_000));

        Assert.Equal((PayoutError.None, false, PayoutStatus.Pending, recorded.UpdatedAt), (retry.Error, retry.Created, retry.Payout!.Status, retry.Payout.UpdatedAt));
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 30_000, 0, 0, Funds);

        var logSize = await LogSizeAsync();
        var again = await CreateAsync(Request(0xD1, 30_000));
        Assert.Equal((PayoutError.None, false), (again.Error, again.Created));
        Assert.Equal(logSize, await LogSizeAsync());
        await Ledger.AssertBalancesAsync(MerchantUsdc, 30_000, 0, 0, Funds);

        // The same for a crashed payout the balance no longer covers: the retry's hold is refused and fails it.
        await Payouts.TryAddPayoutAsync(Recorded(0xD2, Funds), Ledger.Token);
        var refused = await CreateAsync(Request(0xD2, Funds));
        Assert.Equal((PayoutError.InsufficientFunds, false, PayoutStatus.Failed), (refused.Error, refused.Created, refused.Payout!.Status));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 30_000, 0, 0, Funds);
        Assert.Equal(new PayoutRequestMetricsSnapshot(3, 0, 0, 0, 3), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task A_hold_accepted_after_the_silo_failed_the_payout_past_its_grace_is_voided()
    {
        await SetUpAsync();
        var grace = TimeSpan.FromSeconds(30);
        var staged = new StagedPayoutStore(Payouts);
        var silo = new PayoutLedger(Payouts, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);

        // The request is slow: between recording the payout and committing its hold, the grace passes, the
        // silo's attempt at the hold is refused (the balance is short) and fails the payout, then funds arrive.
        staged.AfterAdd(async payout =>
        {
            Ledger.Clock.Advance(grace);
            Assert.Equal(HoldState.Refused, await silo.EnsureHoldAsync(payout, grace, Ledger.Token));
            await Ledger.CreatedAsync(Deposit(0xF9, MerchantUsdc, 500_000));
        });

        var outcome = await NewProcessor(staged).CreateAsync(Request(0xD1, Funds + 100_000), Usdc, RailCurrency, TokenDecimals, Merchant, false, Ledger.Token);

        Assert.Equal((PayoutError.InsufficientFunds, "exceeds_credits", true), (outcome.Error, outcome.LedgerResult, outcome.Created));
        Assert.Equal((PayoutStatus.Failed, "exceeds_credits"), (outcome.Payout!.Status, outcome.Payout.FailureReason));
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        Assert.True(await Ledger.TransferExistsAsync(PayoutLegs.VoidId(0xD1)));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds + 500_000);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 0, 0);
        await Ledger.AssertBooksBalanceAsync();

        // The retry answers the same and finds nothing more to do.
        var logSize = await LogSizeAsync();
        var again = await CreateAsync(Request(0xD1, Funds + 100_000));
        Assert.Equal((PayoutError.InsufficientFunds, false, PayoutStatus.Failed), (again.Error, again.Created, again.Payout!.Status));
        Assert.Equal(logSize, await LogSizeAsync());
    }

    [Fact]
    public async Task A_hold_the_silo_committed_while_the_requests_refusal_was_failing_the_payout_is_voided()
    {
        await SetUpAsync();
        var staged = new StagedPayoutStore(Payouts);
        var silo = new PayoutLedger(Payouts, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);

        // The request's hold is refused; before its refusal fails the payout, funds arrive and the silo commits the hold.
        staged.BeforeFail(async id =>
        {
            await Ledger.CreatedAsync(Deposit(0xF9, MerchantUsdc, 500_000));
            var pending = (await Payouts.GetPayoutAsync(id, Ledger.Token))!;
            Assert.Equal(HoldState.Held, await silo.EnsureHoldAsync(pending, TimeSpan.Zero, Ledger.Token));
        });

        var outcome = await NewProcessor(staged).CreateAsync(Request(0xD1, Funds + 100_000), Usdc, RailCurrency, TokenDecimals, Merchant, false, Ledger.Token);

        Assert.Equal((PayoutError.InsufficientFunds, "exceeds_credits", PayoutStatus.Failed), (outcome.Error, outcome.LedgerResult, outcome.Payout!.Status));
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds + 500_000);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 0, 0);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_retry_voids_a_hold_a_crash_left_pending_on_a_failed_payout()
    {
        await SetUpAsync();
        var holds = new PayoutLedger(Payouts, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);
        await holds.EnsureClearingAccountAsync(Usdc.Ledger, Ledger.Token);

        // One pipeline's hold was accepted, the other's refusal failed the payout, and the process that
        // should have voided the hold crashed.
        var recorded = (await Payouts.TryAddPayoutAsync(Recorded(0xD1, 30_000), Ledger.Token)).Payout;
        Assert.Null(await holds.CommitHoldAsync(recorded, Ledger.Token));
        Assert.True(await Payouts.TryFailPendingPayoutAsync(0xD1, "exceeds_credits", Now, Ledger.Token));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 30_000, 0, 0, Funds);

        var retry = await CreateAsync(Request(0xD1, 30_000));

        Assert.Equal((PayoutError.InsufficientFunds, false, PayoutStatus.Failed), (retry.Error, retry.Created, retry.Payout!.Status));
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, Funds);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task Eight_concurrent_identical_requests_record_one_payout_and_one_hold()
    {
        await SetUpAsync();
        var request = Request(0xD1, 123_456);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => CreateAsync(request))));

        Assert.All(outcomes, o => Assert.Equal((PayoutError.None, (UInt128)0xD1, PayoutStatus.Pending), (o.Error, o.Payout!.Id, o.Payout.Status)));
        Assert.Single(outcomes, o => o.Created);
        Assert.Single(await Payouts.ListPayoutsAsync(null, 10, Ledger.Token));
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(PayoutLegs.HoldId(0xD1))).Pending!.Value.Status);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 123_456, 0, 0, Funds);
        await Ledger.AssertBalancesAsync(Clearing, 0, 0, 123_456, 0);
        await Ledger.AssertBooksBalanceAsync();
        Assert.Equal(new PayoutRequestMetricsSnapshot(8, 1, 0, 0, 7), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task Concurrent_payouts_against_one_balance_never_hold_more_than_it()
    {
        await SetUpAsync();
        const int Count = 20;
        const ulong Amount = 70_000;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() => CreateAsync(Request(0xD00 + (UInt128)i, Amount)))));

        // 14 × 70,000 = 980,000 fit in 1,000,000; whichever 14 come first, the other 6 are refused.
        var held = outcomes.Where(o => o.Error == PayoutError.None).ToList();
        Assert.Equal(14, held.Count);
        Assert.All(outcomes.Except(held), o => Assert.Equal((PayoutError.InsufficientFunds, PayoutStatus.Failed), (o.Error, o.Payout!.Status)));
        foreach (var outcome in outcomes)
        {
            var hold = await Ledger.Store.GetTransferAsync(PayoutLegs.HoldId(outcome.Payout!.Id), Ledger.Token);
            Assert.Equal(outcome.Error == PayoutError.None, hold?.Pending is { Status: PendingStatus.Pending });
            Assert.Equal(outcome.Error != PayoutError.None, hold is null);
        }

        var merchant = await Ledger.AccountAsync(MerchantUsdc);
        Assert.Equal((UInt128)(14 * Amount), merchant.DebitsPending);
        Assert.True(merchant.DebitsPending + merchant.DebitsPosted <= merchant.CreditsPosted);
        await Ledger.AssertBooksBalanceAsync();
        Assert.Equal(new PayoutRequestMetricsSnapshot(Count, 14, 0, Count - 14, 0), Processor.Metrics.Snapshot());
    }

    [Fact]
    public async Task A_payout_is_seen_by_its_owner_the_operator_and_auditors_only()
    {
        await SetUpAsync();
        await CreateAsync(Request(0xD1, 1_000));
        await CreateAsync(Request(0xD3, 3_000, BankUsdc), caller: Bank);
        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));
        await CreateAsync(Request(0xD2, 2_000));

        foreach (var (caller, isOperator, isAuditor) in new[] { (Merchant, false, false), (Operator, true, false), (Auditor, false, true) })
        {
            var seen = await Processor.GetAsync(0xD1, caller, isOperator, isAuditor, Ledger.Token);
            Assert.Equal((PayoutError.None, (UInt128)0xD1, false), (seen.Error, seen.Payout!.Id, seen.Created));
        }

        Assert.Equal(PayoutOutcome.Fail(PayoutError.PayoutNotFound), await Processor.GetAsync(0xD1, Stranger, false, false, Ledger.Token));
        Assert.Equal(PayoutOutcome.Fail(PayoutError.PayoutNotFound), await Processor.GetAsync(0xD1, Bank, false, false, Ledger.Token));
        Assert.Equal(PayoutOutcome.Fail(PayoutError.PayoutNotFound), await Processor.GetAsync(0xDEAD, Operator, true, false, Ledger.Token));

        Assert.Equal([(UInt128)0xD2, 0xD1], Ids(await Processor.ListAsync(Merchant, false, false, 10, Ledger.Token)));
        Assert.Equal([(UInt128)0xD3], Ids(await Processor.ListAsync(Bank, false, false, 10, Ledger.Token)));
        Assert.Empty(await Processor.ListAsync(Stranger, false, false, 10, Ledger.Token));
        Assert.Equal(3, (await Processor.ListAsync(Operator, true, false, 10, Ledger.Token)).Count);
        Assert.Equal([(UInt128)0xD2], Ids(await Processor.ListAsync(Auditor, false, true, 1, Ledger.Token)));
    }

    /// <summary>
    /// Merchant accounts in USDC (payable, spare, overdraftable, settlement-coded, closed) and USD, and the
    /// bank's USDC account; the payable ones funded with <see cref="Funds"/>.
    /// </summary>
    private async Task SetUpAsync()
    {
        const AccountFlags NoOverdraft = AccountFlags.DebitsMustNotExceedCredits;
        await Ledger.CreateAccountsCreatedAsync(
            new Account { Id = Funding, Ledger = Usdc.Ledger, Code = 1, UserData128 = Operator },
            new Account { Id = UsdFunding, Ledger = Usd.Ledger, Code = 1, UserData128 = Operator },
            new Account { Id = MerchantUsdc, Ledger = Usdc.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant, Flags = NoOverdraft },
            new Account { Id = MerchantUsd, Ledger = Usd.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant, Flags = NoOverdraft },
            new Account { Id = SpareUsdc, Ledger = Usdc.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant, Flags = NoOverdraft },
            new Account { Id = OverdraftUsdc, Ledger = Usdc.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant },
            new Account { Id = SettlementUsdc, Ledger = Usdc.Ledger, Code = 1, UserData128 = Merchant, Flags = NoOverdraft },
            new Account { Id = ClosedUsdc, Ledger = Usdc.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Merchant, Flags = NoOverdraft },
            new Account { Id = BankUsdc, Ledger = Usdc.Ledger, Code = PayoutProcessor.MerchantPayableCode, UserData128 = Bank, Flags = NoOverdraft });
        await Ledger.CreatedAsync(
            Deposit(0xF0, MerchantUsdc, Funds),
            new Transfer { Id = 0xF1, DebitAccountId = UsdFunding, CreditAccountId = MerchantUsd, Amount = Funds, Ledger = Usd.Ledger, Code = 1 },
            Deposit(0xF2, SpareUsdc, Funds),
            Deposit(0xF3, OverdraftUsdc, Funds),
            Deposit(0xF4, SettlementUsdc, Funds),
            Deposit(0xF5, BankUsdc, Funds),
            Deposit(0xF6, ClosedUsdc, 2),
            new Transfer { Id = 0xF7, DebitAccountId = ClosedUsdc, CreditAccountId = Funding, Amount = 1, Ledger = Usdc.Ledger, Code = 1, Flags = TransferFlags.Pending | TransferFlags.ClosingDebit });
        Assert.True((await Ledger.AccountAsync(ClosedUsdc)).Flags.HasFlag(AccountFlags.Closed));
    }

    private PayoutProcessor NewProcessor(IPayoutStore store) =>
        new(store, Ledger.Store, new PayoutLedger(store, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator), Ledger.Clock);

    private Task<PayoutOutcome> CreateAsync(PayoutRequest request, UInt128? caller = null, Currency? currency = null, byte decimals = TokenDecimals) =>
        Processor.CreateAsync(request, currency ?? Usdc, RailCurrency, decimals, caller ?? Merchant, false, Ledger.Token);

    private static PayoutRequest Request(UInt128 id, UInt128 amount, UInt128? account = null) =>
        new(id, account ?? MerchantUsdc, amount, PayoutRail.Erc20, [.. Wallet]);

    /// <summary>The merchant's USDC payout as the processor records it, straight into the store: what a request that crashed before its hold leaves.</summary>
    private Payout Recorded(UInt128 id, UInt128 amount) => new(
        id, Merchant, MerchantUsdc, Clearing, Usdc.Ledger, amount, amount, PayoutRail.Erc20, [.. Wallet], PayoutLegs.HoldId(id), PayoutStatus.Pending, null, null, Now, Now);

    private static Transfer Deposit(UInt128 id, UInt128 account, UInt128 amount) =>
        new() { Id = id, DebitAccountId = Funding, CreditAccountId = account, Amount = amount, Ledger = Usdc.Ledger, Code = 1 };

    private async Task<ulong> LogSizeAsync() => (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize;

    private static UInt128[] Ids(IReadOnlyList<Payout> payouts) => [.. payouts.Select(p => p.Id)];

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
