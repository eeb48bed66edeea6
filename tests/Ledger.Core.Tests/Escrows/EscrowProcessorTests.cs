using Ledger.Core.Cluster;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Core.Tokens;
using PayoutLegs = Ledger.Core.Payouts.PayoutLegs;

namespace Ledger.Core.Tests.Escrows;

public sealed class SqliteEscrowProcessorTests(SqliteStoreFixture fixture) : EscrowProcessorTests<SqliteStoreFixture>(fixture);

public sealed class PostgresEscrowProcessorTests(PostgresStoreFixture fixture) : EscrowProcessorTests<PostgresStoreFixture>(fixture);

/// <summary>
/// Escrows through the real engine and store: each funding's mirror runs the right way and holds the
/// right balances; a refused request changes nothing; a replay answers the stored escrow; a mirror the
/// ledger refuses fails the escrow and holds nothing; the silo's mirror check waits out a grace; releases
/// and refunds are asked by the rules; the mirror is posted or voided once and never the opposite way.
/// </summary>
public abstract class EscrowProcessorTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string Lease = "silo";
    private const byte TokenDecimals = 6;
    private const ulong BankFunds = 1_000_000;

    private static readonly UInt128 Operator = 0x0F, Bank = 0xB1, Merchant = 0xB2, Stranger = 0xC3;
    private static readonly UInt128 Funding = 0xF1, UsdFunding = 0xF2, BankUsdc = 0xB1A, BankUsd = 0xB1B, MerchantUsdc = 0xB2A, CappedUsdc = 0xB2C;
    private static readonly Currency Usdc = new("USDC", 1_000_001, 6);
    private static readonly Currency Usd = new("USD", 840, 2);
    private static readonly byte[] Treasury = Bytes(20, 0x7E), Outside = Bytes(20, 0x0A), Wallet = Bytes(20, 0x0B);

    private EscrowProcessor? processor;

    private IEscrowStore Escrows => (IEscrowStore)Ledger.Store;

    private EscrowProcessor Processor => processor ??= new EscrowProcessor(Escrows, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);

    private DateTimeOffset Now => Ledger.Clock.GetUtcNow();

    private static UInt128 EscrowAccount => OperatorAccounts.EscrowId(Usdc.Ledger);

    [Fact]
    public async Task A_treasury_escrow_holds_the_banks_funds_pending_toward_the_operators_escrow_account()
    {
        await SetUpAsync();
        Assert.Null(await Ledger.Store.GetAccountAsync(EscrowAccount, Ledger.Token));
        var request = TreasuryRequest(0xE1, 250_000) with { Deadline = Now.AddDays(1).AddTicks(9_999_999) };

        var outcome = await Processor.OpenAsync(request, Usdc, TokenDecimals, Bank, false, Ledger.Token);

        Assert.Equal((EscrowError.None, true, (string?)null), (outcome.Error, outcome.Created, outcome.LedgerResult));
        var escrow = outcome.Escrow!;
        Assert.Equal(
            (EscrowStatus.Opening, Bank, EscrowFunding.Treasury, BankUsdc, EscrowAccount, Usdc.Ledger, (UInt128)250_000, (UInt128)250_000, 0),
            (escrow.Status, escrow.ParticipantId, escrow.Funding, escrow.AccountId, escrow.EscrowAccountId, escrow.Ledger, escrow.Amount, escrow.TokenAmount, escrow.Attempts));
        Assert.Equal((Now.AddDays(1), Now, Now), (escrow.Deadline, escrow.CreatedAt, escrow.UpdatedAt));
        AssertAddresses((Treasury, Outside, Treasury), escrow);
        Assert.Null(escrow.Permit);

        var account = await Ledger.AccountAsync(EscrowAccount);
        Assert.Equal((OperatorAccounts.EscrowCode, Operator, Usdc.Ledger, AccountFlags.None), (account.Code, account.UserData128, account.Ledger, account.Flags));

        var mirror = await Ledger.TransferAsync(EscrowLegs.MirrorId(0xE1));
        Assert.Equal(
            (BankUsdc, EscrowAccount, (UInt128)250_000, (UInt128)0xE1, EscrowLegs.MirrorCode, TransferFlags.Pending, 0u, Usdc.Ledger),
            (mirror.Transfer.DebitAccountId, mirror.Transfer.CreditAccountId, mirror.Transfer.Amount, mirror.Transfer.UserData128, mirror.Transfer.Code, mirror.Transfer.Flags, mirror.Transfer.TimeoutSeconds, mirror.Transfer.Ledger));
        Assert.Equal((PendingStatus.Pending, 0UL), (mirror.Pending!.Value.Status, mirror.Pending.Value.ExpiresAt));
        await Ledger.AssertBalancesAsync(BankUsdc, 250_000, 0, 0, BankFunds);
        await Ledger.AssertBalancesAsync(EscrowAccount, 0, 0, 250_000, 0);
        await Ledger.AssertBooksBalanceAsync();
        var stored = (await Escrows.GetEscrowAsync(0xE1, Ledger.Token))!;
        Assert.Equal((escrow.Status, escrow.Amount, escrow.Deadline, escrow.CreatedAt), (stored.Status, stored.Amount, stored.Deadline, stored.CreatedAt));
        AssertAddresses((Treasury, Outside, Treasury), stored);
    }

    [Fact]
    public async Task A_permit_escrow_shows_the_amount_coming_to_the_merchant_from_the_operators_escrow_account()
    {
        await SetUpAsync();
        var request = PermitRequest(0xE2, 40_000);

        var outcome = await Processor.OpenAsync(request, Usdc, TokenDecimals, Merchant, false, Ledger.Token);

        Assert.Equal((EscrowError.None, true), (outcome.Error, outcome.Created));
        var escrow = outcome.Escrow!;
        Assert.Equal((EscrowStatus.Opening, Merchant, EscrowFunding.Permit, MerchantUsdc), (escrow.Status, escrow.ParticipantId, escrow.Funding, escrow.AccountId));
        AssertAddresses((Wallet, Treasury, Treasury), escrow);
        Assert.Equal((request.Permit!.Deadline, request.Permit.V), (escrow.Permit!.Deadline, escrow.Permit.V));
        Assert.Equal(request.Permit.R, escrow.Permit.R);

        var mirror = await Ledger.TransferAsync(EscrowLegs.MirrorId(0xE2));
        Assert.Equal((EscrowAccount, MerchantUsdc, TransferFlags.Pending), (mirror.Transfer.DebitAccountId, mirror.Transfer.CreditAccountId, mirror.Transfer.Flags));
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 40_000, 0);
        await Ledger.AssertBalancesAsync(EscrowAccount, 40_000, 0, 0, 0);

        // A second escrow on the ledger finds the escrow account there.
        Assert.Equal(EscrowError.None, (await Processor.OpenAsync(TreasuryRequest(0xE3, 10_000), Usdc, TokenDecimals, Bank, false, Ledger.Token)).Error);
        await Ledger.AssertBalancesAsync(EscrowAccount, 40_000, 0, 10_000, 0);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task The_operator_may_open_for_any_account_and_the_escrow_belongs_to_the_accounts_owner()
    {
        await SetUpAsync();
        var outcome = await Processor.OpenAsync(TreasuryRequest(0xE1, 5_000), Usdc, TokenDecimals, Operator, true, Ledger.Token);
        Assert.Equal((EscrowError.None, Bank), (outcome.Error, outcome.Escrow!.ParticipantId));

        // Token units follow the token's decimals: USD cents to an 18-decimal token.
        var usd = await Processor.OpenAsync(TreasuryRequest(0xE2, 1_234) with { AccountId = BankUsd }, Usd, 18, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.None, (UInt128)1_234 * 10_000_000_000_000_000, OperatorAccounts.EscrowId(Usd.Ledger)), (usd.Error, usd.Escrow!.TokenAmount, usd.Escrow.EscrowAccountId));
        await Ledger.AssertBalancesAsync(BankUsd, 1_234, 0, 0, BankFunds);
    }

    [Fact]
    public async Task The_same_request_again_answers_the_escrow_unchanged_and_anything_different_is_refused()
    {
        await SetUpAsync();
        var request = PermitRequest(0xE1, 40_000) with { Deadline = Now.AddDays(1).AddMilliseconds(300) };
        var first = (await Processor.OpenAsync(request, Usdc, TokenDecimals, Merchant, false, Ledger.Token)).Escrow!;
        var logSize = await LogSizeAsync();

        // Later, with the deadline now too close for a new escrow, and with the same whole-second deadline.
        Ledger.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(30));
        foreach (var (again, caller, isOperator) in new[]
        {
            (request, Merchant, false),
            (request with { Deadline = request.Deadline.AddMilliseconds(-300) }, Merchant, false),
            (request with { Payer = [.. Wallet], Permit = request.Permit! with { R = [.. request.Permit.R] } }, Merchant, false),
            (request, Operator, true),
        })
        {
            var outcome = await Processor.OpenAsync(again, Usdc, TokenDecimals, caller, isOperator, Ledger.Token);
            Assert.Equal((EscrowError.None, false), (outcome.Error, outcome.Created));
            Assert.Equal((first.Id, first.Status, first.UpdatedAt, first.Deadline), (outcome.Escrow!.Id, outcome.Escrow.Status, outcome.Escrow.UpdatedAt, outcome.Escrow.Deadline));
        }

        EscrowRequest[] different =
        [
            request with { Amount = 40_001 },
            request with { AccountId = CappedUsdc },
            request with { Funding = EscrowFunding.Treasury, Permit = null },
            request with { Payer = Outside },
            request with { Payee = Outside },
            request with { Arbiter = Outside },
            request with { Deadline = request.Deadline.AddSeconds(1) },
            request with { Permit = request.Permit! with { V = 28 } },
            request with { Permit = request.Permit! with { S = Bytes(32, 0x99) } },
            request with { Permit = request.Permit! with { Deadline = request.Permit.Deadline + 1 } },
        ];
        foreach (var changed in different)
        {
            Assert.Equal(EscrowError.EscrowExists, (await Processor.OpenAsync(changed, Usdc, TokenDecimals, Merchant, false, Ledger.Token)).Error);
        }

        // In another currency, or asked by someone else: not the same request either.
        Assert.Equal(EscrowError.EscrowExists, (await Processor.OpenAsync(request, Usd, TokenDecimals, Merchant, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.EscrowExists, (await Processor.OpenAsync(request, Usdc, TokenDecimals, Stranger, false, Ledger.Token)).Error);

        Assert.Equal(logSize, await LogSizeAsync());
        var stored = (await Escrows.GetEscrowAsync(0xE1, Ledger.Token))!;
        Assert.Equal((first.Amount, first.UpdatedAt, EscrowStatus.Opening), (stored.Amount, stored.UpdatedAt, stored.Status));
        Assert.Single(await Escrows.ListEscrowsAsync(null, 10, Ledger.Token));
    }

    [Fact]
    public async Task Every_refused_request_changes_nothing_and_names_its_own_error()
    {
        await SetUpAsync();
        var logSize = await LogSizeAsync();
        var treasury = TreasuryRequest(0xE1, 1_000);
        var permit = PermitRequest(0xE1, 1_000);
        var nowSeconds = (ulong)Now.ToUnixTimeSeconds();
        (EscrowRequest Request, Currency Currency, byte Decimals, UInt128 Caller, EscrowError Error)[] cases =
        [
            (treasury with { Amount = 0 }, Usdc, TokenDecimals, Bank, EscrowError.AmountNotPositive),
            (treasury with { Amount = 1_234_567 }, Usdc, 2, Bank, EscrowError.AmountNotConvertible),
            (treasury with { AccountId = BankUsd, Amount = 341 }, Usd, 38, Bank, EscrowError.AmountNotConvertible),
            (treasury with { AccountId = BankUsd, Amount = (UInt128.MaxValue / 10_000) + 1 }, Usd, TokenDecimals, Bank, EscrowError.AmountNotConvertible),
            (treasury with { Deadline = Now.AddSeconds(59) }, Usdc, TokenDecimals, Bank, EscrowError.DeadlineTooSoon),
            (treasury with { Deadline = Now.AddSeconds(60).AddTicks(-1) }, Usdc, TokenDecimals, Bank, EscrowError.DeadlineTooSoon),
            (treasury with { Deadline = Now.AddDays(-1) }, Usdc, TokenDecimals, Bank, EscrowError.DeadlineTooSoon),
            (treasury with { Deadline = Now.AddDays(365).AddSeconds(1) }, Usdc, TokenDecimals, Bank, EscrowError.DeadlineTooFar),
            (treasury with { Payee = Bytes(19, 1) }, Usdc, TokenDecimals, Bank, EscrowError.InvalidAddress),
            (treasury with { Payee = Bytes(20, 0) }, Usdc, TokenDecimals, Bank, EscrowError.InvalidAddress),
            (treasury with { Arbiter = Bytes(21, 1) }, Usdc, TokenDecimals, Bank, EscrowError.InvalidAddress),
            (permit with { Payer = Bytes(20, 0) }, Usdc, TokenDecimals, Merchant, EscrowError.InvalidAddress),
            (permit with { Permit = null }, Usdc, TokenDecimals, Merchant, EscrowError.PermitRequired),
            (treasury with { Permit = permit.Permit }, Usdc, TokenDecimals, Bank, EscrowError.PermitNotExpected),
            (permit with { Permit = permit.Permit! with { R = Bytes(31, 1) } }, Usdc, TokenDecimals, Merchant, EscrowError.InvalidPermit),
            (permit with { Permit = permit.Permit! with { S = Bytes(33, 1) } }, Usdc, TokenDecimals, Merchant, EscrowError.InvalidPermit),
            (permit with { Permit = permit.Permit! with { Deadline = nowSeconds } }, Usdc, TokenDecimals, Merchant, EscrowError.InvalidPermit),
            (permit with { Permit = permit.Permit! with { Deadline = ulong.MaxValue } }, Usdc, TokenDecimals, Merchant, EscrowError.InvalidPermit),
            (treasury with { AccountId = 0xDEAD }, Usdc, TokenDecimals, Bank, EscrowError.AccountNotFound),
            (treasury, Usdc, TokenDecimals, Merchant, EscrowError.NotAccountOwner),
            (treasury with { AccountId = BankUsd }, Usdc, TokenDecimals, Bank, EscrowError.CurrencyMismatch),
            (treasury with { AccountId = MerchantUsdc }, Usdc, TokenDecimals, Merchant, EscrowError.AccountMayOverdraw),
        ];
        foreach (var (request, currency, decimals, caller, error) in cases)
        {
            var outcome = await Processor.OpenAsync(request, currency, decimals, caller, false, Ledger.Token);
            Assert.Equal((error, (Escrow?)null, false), (outcome.Error, outcome.Escrow, outcome.Created));
        }

        Assert.Empty(await Escrows.ListEscrowsAsync(null, 10, Ledger.Token));
        Assert.Equal(logSize, await LogSizeAsync());
        Assert.Null(await Ledger.Store.GetAccountAsync(EscrowAccount, Ledger.Token));
        Assert.Null(await Ledger.Store.GetAccountAsync(OperatorAccounts.EscrowId(Usd.Ledger), Ledger.Token));
        await Ledger.AssertBalancesAsync(BankUsdc, 0, 0, 0, BankFunds);
    }

    [Fact]
    public async Task Deadlines_and_amounts_at_their_limits_are_accepted()
    {
        await SetUpAsync();
        Assert.Equal(EscrowError.None, (await Processor.OpenAsync(TreasuryRequest(0xE1, 1) with { Deadline = Now.AddSeconds(60) }, Usdc, TokenDecimals, Bank, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.None, (await Processor.OpenAsync(TreasuryRequest(0xE2, 1) with { Deadline = Now.AddDays(365) }, Usdc, TokenDecimals, Bank, false, Ledger.Token)).Error);

        // The largest amount whose token units fit 128 bits converts; the ledger then finds it far past the balance.
        var largest = UInt128.MaxValue / 10_000;
        var outcome = await Processor.OpenAsync(TreasuryRequest(0xE3, largest) with { AccountId = BankUsd }, Usd, TokenDecimals, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.InsufficientFunds, "exceeds_credits", largest * 10_000), (outcome.Error, outcome.LedgerResult, outcome.Escrow!.TokenAmount));
        await Ledger.AssertBalancesAsync(BankUsd, 0, 0, 0, BankFunds);
    }

    [Fact]
    public async Task A_mirror_the_ledger_refuses_fails_the_escrow_holds_nothing_and_answers_the_same_again()
    {
        await SetUpAsync();
        var request = TreasuryRequest(0xE1, BankFunds + 1);

        var outcome = await Processor.OpenAsync(request, Usdc, TokenDecimals, Bank, false, Ledger.Token);

        Assert.Equal((EscrowError.InsufficientFunds, "exceeds_credits", true), (outcome.Error, outcome.LedgerResult, outcome.Created));
        Assert.Equal((EscrowStatus.Failed, "exceeds_credits"), (outcome.Escrow!.Status, outcome.Escrow.FailureReason));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE1)));
        await Ledger.AssertBalancesAsync(BankUsdc, 0, 0, 0, BankFunds);

        var again = await Processor.OpenAsync(request, Usdc, TokenDecimals, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.InsufficientFunds, "exceeds_credits", false, EscrowStatus.Failed), (again.Error, again.LedgerResult, again.Created, again.Escrow!.Status));

        // A Failed escrow never gets its mirror, however late, and cannot be released or refunded.
        Ledger.Clock.Advance(TimeSpan.FromHours(1));
        Assert.False(await Processor.EnsureMirrorAsync(outcome.Escrow, TimeSpan.Zero, Ledger.Token));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE1)));
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestReleaseAsync(0xE1, Bank, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestRefundAsync(0xE1, Operator, true, Ledger.Token)).Error);

        // Any other refusal is named: a merchant account that may not be credited past its debits.
        var capped = await Processor.OpenAsync(PermitRequest(0xE2, 1_000) with { AccountId = CappedUsdc }, Usdc, TokenDecimals, Merchant, false, Ledger.Token);
        Assert.Equal((EscrowError.LedgerRefused, "exceeds_debits", EscrowStatus.Failed, "exceeds_debits"), (capped.Error, capped.LedgerResult, capped.Escrow!.Status, capped.Escrow.FailureReason));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE2)));
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task The_silo_waits_out_the_grace_then_commits_a_missing_mirror_or_fails_the_escrow_when_refused()
    {
        await SetUpAsync();
        var grace = TimeSpan.FromSeconds(30);
        await Ledger.CreateAccountsCreatedAsync(OperatorAccounts.Escrow(Operator, Usdc.Ledger));

        // Recorded by a request that crashed before its mirror.
        var crashed = (await Escrows.TryAddEscrowAsync(Recorded(0xE1, 70_000), Ledger.Token)).Escrow;
        var broke = (await Escrows.TryAddEscrowAsync(Recorded(0xE2, BankFunds + 1), Ledger.Token)).Escrow;
        Assert.False(await Processor.EnsureMirrorAsync(crashed, grace, Ledger.Token));
        Assert.False(await Processor.EnsureMirrorAsync(broke, grace, Ledger.Token));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE1)));
        Assert.Equal(EscrowStatus.Opening, (await Escrows.GetEscrowAsync(0xE2, Ledger.Token))!.Status);

        Ledger.Clock.Advance(grace);
        Assert.True(await Processor.EnsureMirrorAsync(crashed, grace, Ledger.Token));
        Assert.True(await Processor.EnsureMirrorAsync(crashed, grace, Ledger.Token));
        await Ledger.AssertBalancesAsync(BankUsdc, 70_000, 0, 0, BankFunds);
        Assert.Equal(EscrowStatus.Opening, (await Escrows.GetEscrowAsync(0xE1, Ledger.Token))!.Status);

        Assert.False(await Processor.EnsureMirrorAsync(broke, grace, Ledger.Token));
        var failed = (await Escrows.GetEscrowAsync(0xE2, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Failed, "exceeds_credits"), (failed.Status, failed.FailureReason));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE2)));

        // A stale copy that still says Opening: the store's Failed wins and nothing is committed.
        var stale = (await Escrows.TryAddEscrowAsync(Recorded(0xE3, 1_000), Ledger.Token)).Escrow;
        Assert.True(await Escrows.TryFailOpeningAsync(0xE3, "exceeds_credits", Now, Ledger.Token));
        Ledger.Clock.Advance(grace);
        Assert.False(await Processor.EnsureMirrorAsync(stale, grace, Ledger.Token));
        Assert.False(await Ledger.TransferExistsAsync(EscrowLegs.MirrorId(0xE3)));

        // A mirror already resolved is no reason to sign an open.
        await Processor.ResolveMirrorAsync(crashed, post: false, Ledger.Token);
        Assert.False(await Processor.EnsureMirrorAsync(crashed, grace, Ledger.Token));
        await Ledger.AssertBalancesAsync(BankUsdc, 0, 0, 0, BankFunds);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_mirror_committed_after_a_racing_pipeline_failed_the_escrow_is_voided()
    {
        await SetUpAsync();
        var racing = new FailingRightAfterAdd(Escrows, Ledger.Clock);
        var processorWithRace = new EscrowProcessor(racing, Ledger.Store, Ledger.Engine, Ledger.Clock, Operator);

        var outcome = await processorWithRace.OpenAsync(TreasuryRequest(0xE1, 30_000), Usdc, TokenDecimals, Bank, false, Ledger.Token);

        Assert.Equal((EscrowError.InsufficientFunds, "exceeds_credits", EscrowStatus.Failed), (outcome.Error, outcome.LedgerResult, outcome.Escrow!.Status));
        var mirror = await Ledger.TransferAsync(EscrowLegs.MirrorId(0xE1));
        Assert.Equal(PendingStatus.Voided, mirror.Pending!.Value.Status);
        Assert.True(await Ledger.TransferExistsAsync(EscrowLegs.VoidId(0xE1)));
        await Ledger.AssertBalancesAsync(BankUsdc, 0, 0, 0, BankFunds);
        await Ledger.AssertBalancesAsync(EscrowAccount, 0, 0, 0, 0);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_release_is_asked_by_the_owner_or_the_operator_of_an_open_escrow_once()
    {
        await SetUpAsync();
        var fence = await LeadAsync();
        await OpenEscrowAsync(0xE1, fence);
        await Processor.OpenAsync(TreasuryRequest(0xE2, 1_000), Usdc, TokenDecimals, Bank, false, Ledger.Token);

        Assert.Equal(EscrowError.NotFound, (await Processor.RequestReleaseAsync(0xE1, Stranger, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.NotFound, (await Processor.RequestReleaseAsync(0xE1, Merchant, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.NotFound, (await Processor.RequestReleaseAsync(0xDEAD, Operator, true, Ledger.Token)).Error);
        Assert.Equal(EscrowStatus.Open, (await Escrows.GetEscrowAsync(0xE1, Ledger.Token))!.Status);

        // Still Opening: nothing to release yet.
        var opening = await Processor.RequestReleaseAsync(0xE2, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.EscrowNotOpen, EscrowStatus.Opening), (opening.Error, opening.Escrow!.Status));

        Ledger.Clock.Advance(TimeSpan.FromSeconds(5));
        var asked = await Processor.RequestReleaseAsync(0xE1, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Releasing, Now), (asked.Error, asked.Escrow!.Status, asked.Escrow.UpdatedAt));

        Ledger.Clock.Advance(TimeSpan.FromSeconds(5));
        var again = await Processor.RequestReleaseAsync(0xE1, Operator, true, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Releasing, asked.Escrow.UpdatedAt), (again.Error, again.Escrow!.Status, again.Escrow.UpdatedAt));
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestRefundAsync(0xE1, Operator, true, Ledger.Token)).Error);

        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(0xE1, EscrowStatus.Releasing, EscrowStatus.Released, null, 20, Bytes(32, 2), Now, fence, Ledger.Token));
        var released = await Processor.RequestReleaseAsync(0xE1, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Released), (released.Error, released.Escrow!.Status));
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token)).Error);
    }

    [Fact]
    public async Task A_refund_is_asked_by_the_operator_at_any_time_and_by_the_owner_only_after_the_deadline()
    {
        await SetUpAsync();
        var fence = await LeadAsync();
        var escrow = await OpenEscrowAsync(0xE1, fence);
        await OpenEscrowAsync(0xE2, fence);

        Assert.Equal(EscrowError.NotFound, (await Processor.RequestRefundAsync(0xE1, Stranger, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.DeadlineNotPassed, (await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token)).Error);

        // At the deadline itself the contract still refuses anyone but the arbiter.
        Ledger.Clock.Set(escrow.Deadline);
        var early = await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.DeadlineNotPassed, EscrowStatus.Open), (early.Error, early.Escrow!.Status));

        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));
        var asked = await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Refunding), (asked.Error, asked.Escrow!.Status));
        var again = await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Refunding, asked.Escrow.UpdatedAt), (again.Error, again.Escrow!.Status, again.Escrow.UpdatedAt));
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestReleaseAsync(0xE1, Bank, false, Ledger.Token)).Error);

        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(0xE1, EscrowStatus.Refunding, EscrowStatus.Refunded, null, 30, Bytes(32, 3), Now, fence, Ledger.Token));
        Assert.Equal(EscrowError.None, (await Processor.RequestRefundAsync(0xE1, Bank, false, Ledger.Token)).Error);
        Assert.Equal(EscrowError.EscrowNotOpen, (await Processor.RequestReleaseAsync(0xE1, Operator, true, Ledger.Token)).Error);

        // The operator before the deadline of another escrow.
        Ledger.Clock.Set(ManualClock.DefaultStart);
        var byOperator = await Processor.RequestRefundAsync(0xE2, Operator, true, Ledger.Token);
        Assert.Equal((EscrowError.None, EscrowStatus.Refunding), (byOperator.Error, byOperator.Escrow!.Status));
    }

    [Fact]
    public async Task The_mirror_is_posted_or_voided_once_and_the_opposite_resolution_throws()
    {
        await SetUpAsync();
        var treasury = (await Processor.OpenAsync(TreasuryRequest(0xE1, 300_000), Usdc, TokenDecimals, Bank, false, Ledger.Token)).Escrow!;
        var permit = (await Processor.OpenAsync(PermitRequest(0xE2, 40_000), Usdc, TokenDecimals, Merchant, false, Ledger.Token)).Escrow!;
        var refunded = (await Processor.OpenAsync(TreasuryRequest(0xE3, 50_000), Usdc, TokenDecimals, Bank, false, Ledger.Token)).Escrow!;
        var unheld = (await Escrows.TryAddEscrowAsync(Recorded(0xE4, 1_000), Ledger.Token)).Escrow;

        // Released: the bank's funds went to the outside payee, the merchant has the customer's.
        await Processor.ResolveMirrorAsync(treasury, post: true, Ledger.Token);
        await Processor.ResolveMirrorAsync(treasury, post: true, Ledger.Token);
        await Processor.ResolveMirrorAsync(permit, post: true, Ledger.Token);
        var posted = await Ledger.TransferAsync(EscrowLegs.PostId(0xE1));
        Assert.Equal((EscrowLegs.MirrorId(0xE1), (UInt128)0xE1, (UInt128)300_000), (posted.Transfer.PendingId, posted.Transfer.UserData128, posted.Transfer.Amount));

        // Refunded: the funds are back.
        await Processor.ResolveMirrorAsync(refunded, post: false, Ledger.Token);
        await Processor.ResolveMirrorAsync(refunded, post: false, Ledger.Token);

        await Ledger.AssertBalancesAsync(BankUsdc, 0, 300_000, 0, BankFunds);
        await Ledger.AssertBalancesAsync(MerchantUsdc, 0, 0, 0, 40_000);
        await Ledger.AssertBalancesAsync(EscrowAccount, 0, 40_000, 0, 300_000);

        var log = await LogSizeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Processor.ResolveMirrorAsync(treasury, post: false, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Processor.ResolveMirrorAsync(refunded, post: true, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Processor.ResolveMirrorAsync(unheld, post: true, Ledger.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Processor.ResolveMirrorAsync(unheld, post: false, Ledger.Token));
        Assert.Equal(log, await LogSizeAsync());
        Assert.Equal(PendingStatus.Posted, (await Ledger.TransferAsync(EscrowLegs.MirrorId(0xE1))).Pending!.Value.Status);
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(EscrowLegs.MirrorId(0xE3))).Pending!.Value.Status);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public void Leg_ids_are_derived_from_the_escrow_id_and_differ_by_step()
    {
        Assert.Equal(EscrowLegs.MirrorId(7), EscrowLegs.MirrorId(7));
        Assert.Equal(3, new[] { EscrowLegs.MirrorId(7), EscrowLegs.PostId(7), EscrowLegs.VoidId(7) }.Distinct().Count());
        Assert.NotEqual(EscrowLegs.MirrorId(7), EscrowLegs.MirrorId(8));
        Assert.NotEqual(EscrowLegs.MirrorId(7), PayoutLegs.HoldId(7));
        var post = EscrowLegs.Resolve(7, post: true);
        var cancel = EscrowLegs.Resolve(7, post: false);
        Assert.Equal((EscrowLegs.MirrorId(7), TransferFlags.PostPending, Transfer.AmountMax, (UInt128)7), (post.PendingId, post.Flags, post.Amount, post.UserData128));
        Assert.Equal((EscrowLegs.VoidId(7), EscrowLegs.MirrorId(7), TransferFlags.VoidPending), (cancel.Id, cancel.PendingId, cancel.Flags));
    }

    /// <summary>Bank and merchant accounts in USDC (and the bank's in USD), the bank's funded with <see cref="BankFunds"/>.</summary>
    private async Task SetUpAsync()
    {
        await Ledger.CreateAccountsCreatedAsync(
            new Account { Id = Funding, Ledger = Usdc.Ledger, Code = 1, UserData128 = Operator },
            new Account { Id = UsdFunding, Ledger = Usd.Ledger, Code = 1, UserData128 = Operator },
            new Account { Id = BankUsdc, Ledger = Usdc.Ledger, Code = 4, UserData128 = Bank, Flags = AccountFlags.DebitsMustNotExceedCredits },
            new Account { Id = BankUsd, Ledger = Usd.Ledger, Code = 4, UserData128 = Bank, Flags = AccountFlags.DebitsMustNotExceedCredits },
            new Account { Id = MerchantUsdc, Ledger = Usdc.Ledger, Code = 4, UserData128 = Merchant },
            new Account { Id = CappedUsdc, Ledger = Usdc.Ledger, Code = 4, UserData128 = Merchant, Flags = AccountFlags.CreditsMustNotExceedDebits });
        await Ledger.CreatedAsync(
            new Transfer { Id = 0xF0, DebitAccountId = Funding, CreditAccountId = BankUsdc, Amount = BankFunds, Ledger = Usdc.Ledger, Code = 1 },
            new Transfer { Id = 0xF1, DebitAccountId = UsdFunding, CreditAccountId = BankUsd, Amount = BankFunds, Ledger = Usd.Ledger, Code = 1 });
    }

    private EscrowRequest TreasuryRequest(UInt128 id, UInt128 amount) =>
        new(id, EscrowFunding.Treasury, BankUsdc, amount, Treasury, Outside, Treasury, Now.AddDays(1), null);

    private EscrowRequest PermitRequest(UInt128 id, UInt128 amount) =>
        new(id, EscrowFunding.Permit, MerchantUsdc, amount, Wallet, Treasury, Treasury, Now.AddDays(1), new EscrowPermit((ulong)Now.AddHours(1).ToUnixTimeSeconds(), 27, Bytes(32, 0x44), Bytes(32, 0x55)));

    /// <summary>A treasury escrow of the bank recorded straight into the store, as a request that crashed before its mirror leaves it.</summary>
    private Escrow Recorded(UInt128 id, UInt128 amount) => new(
        id, Bank, EscrowFunding.Treasury, BankUsdc, EscrowAccount, Usdc.Ledger, amount, amount, Treasury, Outside, Treasury, Now.AddDays(1), null,
        EscrowStatus.Opening, null, null, null, null, null, 0, null, null, null, Now, Now);

    /// <summary>Opens a treasury escrow of the bank and moves it to Open as the silo would once the open is final.</summary>
    private async Task<Escrow> OpenEscrowAsync(UInt128 id, SettlementFence fence)
    {
        var outcome = await Processor.OpenAsync(TreasuryRequest(id, 1_000), Usdc, TokenDecimals, Bank, false, Ledger.Token);
        Assert.Equal(EscrowError.None, outcome.Error);
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(id, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, Now, fence, Ledger.Token));
        return (await Escrows.GetEscrowAsync(id, Ledger.Token))!;
    }

    private async Task<SettlementFence> LeadAsync()
    {
        var grant = await ((ILeaseStore)Ledger.Store).TryAcquireAsync(Lease, "silo-a", TimeSpan.FromMinutes(5), Ledger.Token);
        Assert.NotNull(grant);
        return new SettlementFence(Lease, grant.Epoch);
    }

    private static void AssertAddresses((byte[] Payer, byte[] Payee, byte[] Arbiter) expected, Escrow escrow)
    {
        Assert.Equal(expected.Payer, escrow.Payer);
        Assert.Equal(expected.Payee, escrow.Payee);
        Assert.Equal(expected.Arbiter, escrow.Arbiter);
    }

    private async Task<ulong> LogSizeAsync() => (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize;

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>
    /// The real store, with another pipeline (the silo's mirror check, say) failing each escrow the moment
    /// it is recorded, before the request that recorded it commits its mirror: the race a decorator can
    /// stage exactly where two processes could only hit it by chance.
    /// </summary>
    private sealed class FailingRightAfterAdd(IEscrowStore inner, TimeProvider clock) : IEscrowStore
    {
        public async ValueTask<(EscrowCreation Result, Escrow Escrow)> TryAddEscrowAsync(Escrow escrow, CancellationToken cancellationToken)
        {
            var added = await inner.TryAddEscrowAsync(escrow, cancellationToken);
            if (added.Result == EscrowCreation.Created)
            {
                Assert.True(await inner.TryFailOpeningAsync(escrow.Id, "exceeds_credits", clock.GetUtcNow(), cancellationToken));
            }

            return added;
        }

        public ValueTask<Escrow?> GetEscrowAsync(UInt128 id, CancellationToken cancellationToken) => inner.GetEscrowAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<Escrow>> ListActiveEscrowsAsync(int limit, CancellationToken cancellationToken) => inner.ListActiveEscrowsAsync(limit, cancellationToken);

        public ValueTask<IReadOnlyList<Escrow>> ListEscrowsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken) =>
            inner.ListEscrowsAsync(participantId, limit, cancellationToken);

        public ValueTask<bool> TryFailOpeningAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.TryFailOpeningAsync(id, reason, at, cancellationToken);

        public ValueTask<bool> TryRequestActionAsync(UInt128 id, EscrowStatus to, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.TryRequestActionAsync(id, to, at, cancellationToken);

        public ValueTask<SettlementWrite> RecordEscrowTxAsync(
            UInt128 id, EscrowStatus expected, EscrowTxKind kind, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
            inner.RecordEscrowTxAsync(id, expected, kind, replacedTxHash, transaction, at, fence, cancellationToken);

        public ValueTask<SettlementWrite> TryAdvanceEscrowAsync(
            UInt128 id, EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken) =>
            inner.TryAdvanceEscrowAsync(id, from, to, reason, block, txHash, at, fence, cancellationToken);

        public ValueTask<ulong?> GetEscrowCursorAsync(CancellationToken cancellationToken) => inner.GetEscrowCursorAsync(cancellationToken);

        public ValueTask<SettlementWrite> TrySetEscrowCursorAsync(ulong? expected, ulong next, SettlementFence fence, CancellationToken cancellationToken) =>
            inner.TrySetEscrowCursorAsync(expected, next, fence, cancellationToken);

        public ValueTask<SettlementWrite> RecordReconciliationAsync(ReconciliationReport report, SettlementFence fence, CancellationToken cancellationToken) =>
            inner.RecordReconciliationAsync(report, fence, cancellationToken);

        public ValueTask<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken) => inner.GetReconciliationAsync(cancellationToken);
    }
}
