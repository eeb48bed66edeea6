using Ledger.Core.Cluster;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Fx;
using Ledger.Core.Merkle;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Payments;

public sealed class SqlitePaymentProcessorTests(SqliteStoreFixture fixture) : PaymentProcessorTests<SqliteStoreFixture>(fixture);

public sealed class PostgresPaymentProcessorTests(PostgresStoreFixture fixture) : PaymentProcessorTests<PostgresStoreFixture>(fixture);

/// <summary>
/// <see cref="PaymentProcessor"/> over a real store and engine, at the points where a node can stop or
/// race: recorded but not committed, committed but not recorded as such, a release or reject recorded
/// but not carried out, concurrent creations, reviews and refunds, lapsed holds, settlement, and quote
/// rules. Every test checks the four balances of every account on the desk, so "moved once" means the
/// ledger says so, not a status.
/// </summary>
public abstract class PaymentProcessorTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const uint Usd = 840, Eur = 978;
    private const uint HoldTimeoutSeconds = 3_600;
    private const int Racers = 8;
    private static readonly Currency UsDollar = new("USD", Usd, 2), Euro = new("EUR", Eur, 2);
    private static readonly UInt128 Operator = 1, Alice = 0xA11CE, Bob = 0xB0B;

    // The desk: per currency a funding account, the FX liquidity account and fee income, all the operator's;
    // Alice and Bob each hold a funded dollar account and a euro account.
    private static readonly UInt128 UsdFunding = 10, UsdLiquidity = 11, UsdFee = 12, EurFunding = 20, EurLiquidity = 21, EurFee = 22;
    private static readonly UInt128 AliceUsd = 100, AliceEur = 101, BobUsd = 200, BobEur = 201;
    private static readonly UInt128 LiquidityDepth = 1_000_000, BankFunds = 100_000;

    /// <summary>Sells 100.00 USD: 0.9 EUR per USD less 1% spread buys 89.10 EUR; the fee is max(0.25, 0.1%) = 0.25 USD.</summary>
    private static readonly UInt128 SellAmount = 10_000, BuyAmount = 8_910, FeeAmount = 25;

    private static readonly UInt128[] DeskAccounts = [UsdFunding, UsdLiquidity, UsdFee, EurFunding, EurLiquidity, EurFee, AliceUsd, AliceEur, BobUsd, BobEur];

    private readonly PaymentOptions options = new() { HoldTimeoutSeconds = HoldTimeoutSeconds };
    private UInt128 nextPaymentId = 0x5000;

    private IPaymentStore Store => (IPaymentStore)Ledger.Store;

    private ISettlementStore Settlements => (ISettlementStore)Ledger.Store;

    private ManualClock Clock => Ledger.Clock;

    private CancellationToken Token => Ledger.Token;

    // 1. Recorded, then the node stopped before committing anything.
    [Fact]
    public async Task A_payment_recorded_before_a_crash_is_committed_once_by_the_sweep_after_ResumeAfter()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var recorded = await RecordAsCrashedAsync(request, quote, Alice);
        Assert.Equal((PaymentStage.Received, RiskOutcome.Accept), (recorded.Stage, recorded.RiskOutcome));
        await AssertLedgerAsync(posted: []);
        Assert.Equal(PaymentStatus.Received, (await processor.DescribeAsync(recorded, Token)).Status);
        var logSize = await LogSizeAsync();

        // Still within ResumeAfter: the node that took the request may be committing it right now.
        Clock.Advance(options.ResumeAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await processor.ResumeAsync(Token));
        Assert.Equal(PaymentStage.Received, (await PaymentAsync(request.Id)).Stage);
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertLedgerAsync(posted: []);

        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await processor.ResumeAsync(Token));
        var payment = await PaymentAsync(request.Id);
        Assert.Equal(PaymentStage.Committed, payment.Stage);
        Assert.Equal(logSize + 3, await LogSizeAsync());
        await AssertPostedLegsAsync(payment);
        await AssertAcceptedAsync(processor, payment);
        await AssertLedgerAsync(posted: [payment]);

        // Nothing is owed any more: the sweep and a retry of the request move nothing.
        Assert.Equal(0, await processor.ResumeAsync(Token));
        var replay = await processor.CreateAsync(request, Alice, callerIsOperator: false, Token);
        Assert.Equal((PaymentError.None, false, request.Id, PaymentStatus.Accepted), (replay.Error, replay.Created, replay.Payment!.Id, replay.State!.Status));
        Assert.Equal(logSize + 3, await LogSizeAsync());
        await AssertLedgerAsync(posted: [payment]);
    }

    // 2. The legs are in the ledger but the stage still says Received.
    [Fact]
    public async Task Legs_committed_before_the_stage_moved_answer_exists_to_the_sweep_and_the_money_moves_once()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var payment = await RecordAsCrashedAsync(request, quote, Alice);
        await Ledger.CreatedAsync(PaymentLegs.Legs(payment, pending: false, options.HoldTimeoutSeconds));
        await AssertLedgerAsync(posted: [payment]);
        var logSize = await LogSizeAsync();

        // The status is read from the ledger: the legs exist, so it is accepted before the stage moves.
        Assert.Equal(PaymentStatus.Accepted, (await processor.DescribeAsync(payment, Token)).Status);

        Clock.Advance(options.ResumeAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await processor.ResumeAsync(Token));
        payment = await PaymentAsync(request.Id);
        Assert.Equal(PaymentStage.Committed, payment.Stage);
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertAcceptedAsync(processor, payment);
        await AssertLedgerAsync(posted: [payment]);

        // What the sweep was told for each leg, asked again: every one exists, so nothing was created twice.
        Assert.All(await Ledger.ResultsAsync(PaymentLegs.Legs(payment, pending: false, options.HoldTimeoutSeconds)), static r => Assert.Equal(CreateTransferResult.Exists, r));
        Assert.Equal(0, await processor.ResumeAsync(Token));
        await AssertLedgerAsync(posted: [payment]);
    }

    [Fact]
    public async Task Legs_committed_before_the_stage_moved_are_found_by_a_retry_of_the_request_and_the_money_moves_once()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var payment = await RecordAsCrashedAsync(request, quote, Alice);
        await Ledger.CreatedAsync(PaymentLegs.Legs(payment, pending: false, options.HoldTimeoutSeconds));
        var logSize = await LogSizeAsync();

        // At once, without waiting for ResumeAfter: the client's retry finishes the work itself.
        var replay = await processor.CreateAsync(request, Alice, callerIsOperator: false, Token);
        Assert.Equal((PaymentError.None, false, PaymentStage.Committed), (replay.Error, replay.Created, replay.Payment!.Stage));
        Assert.Equal(PaymentStatus.Accepted, replay.State!.Status);
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertAcceptedAsync(processor, replay.Payment);
        await AssertLedgerAsync(posted: [replay.Payment]);
    }

    // 3. A held payment with the operator's decision recorded, not yet carried out.
    [Fact]
    public async Task A_recorded_release_whose_posts_were_not_made_is_posted_once_by_the_sweep()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);
        Assert.Equal("velocity_count_exceeded", (await processor.DescribeAsync(held, Token)).Reason);
        await AssertLedgerAsync(posted: [], pending: [held]);

        Assert.True(await Store.TryRecordOperatorActionAsync(held.Id, OperatorAction.Release, OperatorDecision(RiskOutcome.Accept, "looks_fine"), Token));
        Assert.Equal(PaymentStatus.Pending, (await processor.DescribeAsync(await PaymentAsync(held.Id), Token)).Status);
        await AssertLedgerAsync(posted: [], pending: [held]);
        var logSize = await LogSizeAsync();

        // Work owed on a committed payment is owed at once; no ResumeAfter applies.
        Assert.Equal(1, await processor.ResumeAsync(Token));
        var released = await PaymentAsync(held.Id);
        Assert.Equal((PaymentStage.Resolved, OperatorAction.Release), (released.Stage, released.OperatorAction));
        Assert.Equal(logSize + 3, await LogSizeAsync());
        foreach (var (legId, postId) in PaymentLegs.LegIds(held).Zip(PaymentLegs.PostIds(held)))
        {
            Assert.Equal(PendingStatus.Posted, (await Ledger.TransferAsync(legId)).Pending!.Value.Status);
            Assert.Equal(legId, (await Ledger.TransferAsync(postId)).Transfer.PendingId);
        }

        await AssertAbsentAsync(PaymentLegs.VoidIds(held));
        var state = await processor.DescribeAsync(released, Token);
        Assert.Equal(PaymentStatus.Accepted, state.Status);
        Assert.Equal(PaymentLegs.PostIds(held), state.ResolutionIds);
        Assert.Equal((await Ledger.TransferAsync(PaymentLegs.PostIds(held)[^1])).LogIndex, state.LogIndex);
        await AssertLedgerAsync(posted: [held]);

        // Done once: the sweep finds nothing, the same release answers what it led to, a reject is too late.
        Assert.Equal(0, await processor.ResumeAsync(Token));
        var again = await processor.ReviewAsync(held.Id, OperatorAction.Release, "looks_fine", "again", Token);
        Assert.Equal((PaymentError.None, PaymentStatus.Accepted), (again.Error, again.State!.Status));
        var reject = await processor.ReviewAsync(held.Id, OperatorAction.Reject, "too_late", "after the release", Token);
        Assert.Equal((PaymentError.NotHeld, PaymentStatus.Accepted), (reject.Error, reject.State!.Status));
        Assert.Equal(logSize + 3, await LogSizeAsync());
        await AssertLedgerAsync(posted: [held]);
    }

    [Fact]
    public async Task A_recorded_reject_whose_voids_were_not_made_is_voided_once_by_the_sweep()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);
        Assert.True(await Store.TryRecordOperatorActionAsync(held.Id, OperatorAction.Reject, OperatorDecision(RiskOutcome.Reject, "sanctions_match"), Token));
        await AssertLedgerAsync(posted: [], pending: [held]);
        var logSize = await LogSizeAsync();

        Assert.Equal(1, await processor.ResumeAsync(Token));
        var rejected = await PaymentAsync(held.Id);
        Assert.Equal((PaymentStage.Resolved, OperatorAction.Reject), (rejected.Stage, rejected.OperatorAction));
        Assert.Equal(logSize + 3, await LogSizeAsync());
        foreach (var (legId, voidId) in PaymentLegs.LegIds(held).Zip(PaymentLegs.VoidIds(held)))
        {
            Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(legId)).Pending!.Value.Status);
            Assert.Equal(legId, (await Ledger.TransferAsync(voidId)).Transfer.PendingId);
        }

        await AssertAbsentAsync(PaymentLegs.PostIds(held));
        var state = await processor.DescribeAsync(rejected, Token);
        Assert.Equal((PaymentStatus.Rejected, "sanctions_match"), (state.Status, state.Reason));
        Assert.Equal(PaymentLegs.VoidIds(held), state.ResolutionIds);
        await AssertLedgerAsync(posted: []);

        Assert.Equal(0, await processor.ResumeAsync(Token));
        var release = await processor.ReviewAsync(held.Id, OperatorAction.Release, "changed_mind", "after the reject", Token);
        Assert.Equal((PaymentError.NotHeld, PaymentStatus.Rejected), (release.Error, release.State!.Status));
        Assert.Equal(logSize + 3, await LogSizeAsync());
        await AssertLedgerAsync(posted: []);
    }

    // 4. The stage says Failed but the legs are in the ledger.
    [Fact]
    public async Task A_failed_payment_whose_legs_are_in_the_ledger_is_accepted_because_the_ledger_wins()
    {
        var processor = await OpenDeskAsync();
        var (request, payment) = await FailedWithLegsInTheLedgerAsync(processor);
        var logSize = await LogSizeAsync();

        // Read alone already tells the truth; the stage follows on the next piece of work.
        Assert.Equal(PaymentStatus.Accepted, (await processor.DescribeAsync(payment, Token)).Status);

        var replay = await processor.CreateAsync(request, Alice, callerIsOperator: false, Token);
        Assert.Equal((PaymentError.None, false), (replay.Error, replay.Created));
        Assert.Equal(PaymentStatus.Accepted, replay.State!.Status);
        Assert.Equal(PaymentStage.Committed, (await PaymentAsync(payment.Id)).Stage);
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertAcceptedAsync(processor, await PaymentAsync(payment.Id));
        await AssertLedgerAsync(posted: [payment]);
    }

    // 5. Races.
    [Fact]
    public async Task Concurrent_creations_of_one_request_create_it_once_and_commit_its_legs_once()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var logSize = await LogSizeAsync();

        var outcomes = await RaceAsync(Racers, _ => processor.CreateAsync(request, Alice, callerIsOperator: false, Token));

        Assert.All(outcomes, o => Assert.Equal((PaymentError.None, request.Id, PaymentStatus.Accepted), (o.Error, o.Payment!.Id, o.State!.Status)));
        Assert.Single(outcomes, static o => o.Created);
        Assert.All(outcomes, o => Assert.Equal(PaymentLegs.LegIds(o.Payment!), o.State!.LegIds));
        Assert.Single(outcomes.Select(static o => o.State!.LogIndex).Distinct());
        var payment = await PaymentAsync(request.Id);
        Assert.Equal(PaymentStage.Committed, payment.Stage);
        Assert.Equal(logSize + 3, await LogSizeAsync());
        await AssertAcceptedAsync(processor, payment);
        await AssertLedgerAsync(posted: [payment]);
    }

    [Fact]
    public async Task A_copy_of_the_request_that_read_before_the_other_recorded_it_is_answered_as_a_replay_not_quote_used()
    {
        // The interleaving the race above hits only sometimes, made certain: this copy read "no such payment",
        // then the other copy recorded it (and so used the quote) before this one looked at the quote.
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var first = await processor.CreateAsync(request, Alice, callerIsOperator: false, Token);
        Assert.Equal((PaymentError.None, true, PaymentStatus.Accepted), (first.Error, first.Created, first.State!.Status));
        var logSize = await LogSizeAsync();

        var late = new PaymentProcessor(new FirstPaymentReadBeforeItWasRecorded(Store, request.Id), Ledger.Store, (IDirectoryStore)Ledger.Store, Ledger.Engine, Clock, options);
        var copy = await late.CreateAsync(request, Alice, callerIsOperator: false, Token);

        Assert.Equal((PaymentError.None, false, request.Id, PaymentStatus.Accepted), (copy.Error, copy.Created, copy.Payment?.Id, copy.State?.Status));
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertLedgerAsync(posted: [first.Payment!]);
    }

    [Fact]
    public async Task Concurrent_releases_and_rejects_of_one_held_payment_end_in_exactly_one_and_every_answer_agrees()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);
        var logSize = await LogSizeAsync();

        var outcomes = await RaceAsync(Racers, i => processor.ReviewAsync(held.Id, i % 2 == 0 ? OperatorAction.Release : OperatorAction.Reject, $"racer_{i}", "race", Token));

        var payment = await PaymentAsync(held.Id);
        Assert.Equal(PaymentStage.Resolved, payment.Stage);
        var released = payment.OperatorAction == OperatorAction.Release;
        Assert.True(released || payment.OperatorAction == OperatorAction.Reject);
        var final = released ? PaymentStatus.Accepted : PaymentStatus.Rejected;
        Assert.Single(payment.Decisions, static d => d.Rule == "operator");
        for (var i = 0; i < outcomes.Length; i++)
        {
            var asked = i % 2 == 0 ? OperatorAction.Release : OperatorAction.Reject;
            var outcome = outcomes[i];
            Assert.Equal(held.Id, outcome.Payment!.Id);
            if (outcome.Error == PaymentError.None)
            {
                // Only the decision that won answers without an error, and with where it led.
                Assert.Equal((payment.OperatorAction, payment.OperatorAction, final), (asked, outcome.Payment.OperatorAction, outcome.State!.Status));
            }
            else
            {
                // A loser is told the payment is no longer held. What it saw is the hold or where the winner
                // led (its copy of the payment may predate the winner's record), never the other end.
                Assert.Equal(PaymentError.NotHeld, outcome.Error);
                Assert.Contains(outcome.State!.Status, new[] { PaymentStatus.Pending, final });
                Assert.Contains(outcome.Payment.OperatorAction, new[] { OperatorAction.None, payment.OperatorAction });
            }
        }

        Assert.Contains(outcomes, static o => o.Error == PaymentError.None);
        Assert.Equal(logSize + 3, await LogSizeAsync());
        var resolutionIds = released ? PaymentLegs.PostIds(held) : PaymentLegs.VoidIds(held);
        var otherIds = released ? PaymentLegs.VoidIds(held) : PaymentLegs.PostIds(held);
        foreach (var id in resolutionIds)
        {
            Assert.True(await Ledger.TransferExistsAsync(id));
        }

        await AssertAbsentAsync(otherIds);

        var state = await processor.DescribeAsync(payment, Token);
        Assert.Equal(final, state.Status);
        Assert.Equal(resolutionIds, state.ResolutionIds);
        await AssertLedgerAsync(posted: released ? [held] : []);
    }

    [Fact]
    public async Task Concurrent_refunds_of_one_payment_never_add_up_to_more_than_it()
    {
        var processor = await OpenDeskAsync();
        var payment = await PayAsync(processor, Alice, AliceUsd, AliceEur, PaymentStatus.Accepted);

        // Each asks for 36.00 of the 89.10 EUR bought: two fit, a third would not.
        const int refunders = 6;
        UInt128 each = 3_600;
        var outcomes = await RaceAsync(refunders, i => processor.RefundAsync(new RefundRequest(0x7000 + (UInt128)i, payment.Id, each, (UInt128)i), Operator, callerIsOperator: true, Token));

        Assert.All(outcomes, static o => Assert.Contains(o.Error, new[] { PaymentError.None, PaymentError.RefundInProgress, PaymentError.RefundExceedsPayment }));
        var done = outcomes.Where(static o => o.Error == PaymentError.None).ToList();
        Assert.NotEmpty(done);
        Assert.InRange(done.Count, 1, 2);
        Assert.All(done, static o => Assert.Equal((true, RefundStatus.Completed, PaymentStage.Committed), (o.Created, o.Status, o.Refund!.Stage)));
        var stored = await Store.ListRefundsAsync(payment.Id, Token);
        Assert.Equal(done.Select(static o => o.Refund!.Id).Order(), stored.Select(static r => r.Id).Order());
        Assert.True(stored.Aggregate(UInt128.Zero, static (sum, r) => sum + r.BuyAmount) <= BuyAmount);
        await AssertLedgerAsync(posted: [payment], refunds: stored);

        // What is left goes back in one more refund: then exactly the sell amount and the fee have returned.
        var rest = await processor.RefundAsync(new RefundRequest(0x7100, payment.Id, null, 0), Operator, callerIsOperator: true, Token);
        Assert.Equal((PaymentError.None, RefundStatus.Completed), (rest.Error, rest.Status));
        stored = await Store.ListRefundsAsync(payment.Id, Token);
        Assert.Equal(
            (BuyAmount, SellAmount, FeeAmount),
            (stored.Aggregate(UInt128.Zero, static (s, r) => s + r.BuyAmount), stored.Aggregate(UInt128.Zero, static (s, r) => s + r.SellAmount), stored.Aggregate(UInt128.Zero, static (s, r) => s + r.FeeAmount)));
        await AssertLedgerAsync(posted: [payment], refunds: stored);
        await Ledger.AssertBalancesAsync(AliceUsd, 0, SellAmount + FeeAmount, 0, BankFunds + SellAmount + FeeAmount);
        var nothingLeft = await processor.RefundAsync(new RefundRequest(0x7101, payment.Id, 1, 0), Operator, callerIsOperator: true, Token);
        Assert.Equal(PaymentError.RefundExceedsPayment, nothingLeft.Error);
    }

    // 6. Hold expiry.
    [Fact]
    public async Task A_lapsed_hold_is_rejected_before_the_expiry_pulse_cannot_be_released_and_frees_the_funds_after_it()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);
        var logSize = await LogSizeAsync();

        Clock.Advance(TimeSpan.FromSeconds(HoldTimeoutSeconds - 1));
        Assert.Equal(PaymentStatus.Pending, (await processor.DescribeAsync(held, Token)).Status);

        Clock.Advance(TimeSpan.FromSeconds(2));
        var state = await processor.DescribeAsync(held, Token);
        Assert.Equal((PaymentStatus.Rejected, PaymentProcessor.HoldExpiredReason), (state.Status, state.Reason));

        // Before the pulse the ledger still holds the funds, but they can no longer be released.
        Assert.Equal(PendingStatus.Pending, (await Ledger.TransferAsync(PaymentLegs.LegIds(held)[0])).Pending!.Value.Status);
        await AssertLedgerAsync(posted: [], pending: [held]);
        var release = await processor.ReviewAsync(held.Id, OperatorAction.Release, "late", "after the hold lapsed", Token);
        Assert.Equal((PaymentError.HoldExpired, PaymentStatus.Rejected, PaymentProcessor.HoldExpiredReason), (release.Error, release.State!.Status, release.State.Reason));
        Assert.Equal(OperatorAction.None, (await PaymentAsync(held.Id)).OperatorAction);
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertAbsentAsync(PaymentLegs.PostIds(held));

        Assert.Equal(3, await Ledger.ExpireAsync());
        await AssertLedgerAsync(posted: []);
        foreach (var id in PaymentLegs.LegIds(held))
        {
            Assert.Equal(PendingStatus.Expired, (await Ledger.TransferAsync(id)).Pending!.Value.Status);
        }

        state = await processor.DescribeAsync(held, Token);
        Assert.Equal((PaymentStatus.Rejected, PaymentProcessor.HoldExpiredReason), (state.Status, state.Reason));
        var reject = await processor.ReviewAsync(held.Id, OperatorAction.Reject, "late", "after the pulse", Token);
        Assert.Equal(PaymentError.HoldExpired, reject.Error);
        await AssertLedgerAsync(posted: []);
    }

    [Fact]
    public async Task A_release_recorded_before_the_hold_lapsed_but_not_posted_in_time_answers_hold_expired_on_every_retry()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);

        // The release is recorded, then the node stops; the hold lapses before anyone carries it out.
        Assert.True(await Store.TryRecordOperatorActionAsync(held.Id, OperatorAction.Release, OperatorDecision(RiskOutcome.Accept, "looks_fine"), Token));
        Clock.Advance(TimeSpan.FromSeconds(HoldTimeoutSeconds + 1));
        var logSize = await LogSizeAsync();

        // The sweep tries to post, the ledger refuses (expired), nothing moves.
        Assert.Equal(1, await processor.ResumeAsync(Token));
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertLedgerAsync(posted: [], pending: [held]);

        // The retry of the release is told what the first answer would have said: the hold lapsed.
        var retry = await processor.ReviewAsync(held.Id, OperatorAction.Release, "looks_fine", "retry", Token);
        Assert.Equal((PaymentStatus.Rejected, PaymentProcessor.HoldExpiredReason), (retry.State!.Status, retry.State.Reason));
        Assert.Equal(PaymentError.HoldExpired, retry.Error);
        Assert.Equal(logSize, await LogSizeAsync());

        // After the pulse the sweep closes it: Resolved, and nothing more is owed.
        Assert.Equal(3, await Ledger.ExpireAsync());
        Assert.Equal(1, await processor.ResumeAsync(Token));
        Assert.Equal(PaymentStage.Resolved, (await PaymentAsync(held.Id)).Stage);
        Assert.Equal(0, await processor.ResumeAsync(Token));
        Assert.Equal(PaymentError.HoldExpired, (await processor.ReviewAsync(held.Id, OperatorAction.Release, "looks_fine", "retry", Token)).Error);
        await AssertLedgerAsync(posted: []);
    }

    // 7. Settlement.
    [Fact]
    public async Task A_payment_is_settled_once_the_batch_holding_its_last_transfer_is_final()
    {
        var processor = await OpenDeskAsync();
        await HoldEveryPaymentOfAsync(Bob);
        var accepted = await PayAsync(processor, Alice, AliceUsd, AliceEur, PaymentStatus.Accepted);
        var held = await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Pending);
        var fence = await LeadAsync();

        var state = await processor.DescribeAsync(accepted, Token);
        Assert.Equal((PaymentStatus.Accepted, (ulong?)null), (state.Status, state.SettlementSeq));
        var lastLeg = await Ledger.TransferAsync(PaymentLegs.LegIds(accepted)[^1]);
        Assert.Equal(lastLeg.LogIndex, state.LogIndex);

        // Batch 1 covers everything so far: the accepted payment's legs and the held payment's pending legs.
        var firstEnd = await LogSizeAsync();
        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, firstEnd), fence, Token));
        await AssertStateAsync(processor, accepted, PaymentStatus.Accepted, 1);
        Assert.Equal(PaymentStatus.Pending, (await processor.DescribeAsync(held, Token)).Status);

        var first = Signed(1);
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorSubmittedAsync(1, null, first, fence, Token));
        await AssertStateAsync(processor, accepted, PaymentStatus.Accepted, 1);
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorIncludedAsync(1, first.TxHash, new AnchorInclusion(first.TxHash, 17, Bytes(32, 0x17), 1), fence, Token));
        await AssertStateAsync(processor, accepted, PaymentStatus.Accepted, 1);
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorFinalAsync(1, first.TxHash, fence, Token));
        await AssertStateAsync(processor, accepted, PaymentStatus.Settled, 1);

        // The held payment is released after batch 1: its pending legs are in a final batch, its posts in none yet.
        var release = await processor.ReviewAsync(held.Id, OperatorAction.Release, "looks_fine", "released", Token);
        Assert.Equal((PaymentError.None, PaymentStatus.Accepted, (ulong?)null), (release.Error, release.State!.Status, release.State.SettlementSeq));
        Assert.True(release.State.LogIndex >= firstEnd);

        var secondEnd = await LogSizeAsync();
        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, firstEnd, secondEnd), fence, Token));
        var released = await PaymentAsync(held.Id);
        await AssertStateAsync(processor, released, PaymentStatus.Accepted, 2);
        await AssertStateAsync(processor, accepted, PaymentStatus.Settled, 1);

        var second = Signed(2);
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorSubmittedAsync(2, null, second, fence, Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorIncludedAsync(2, second.TxHash, new AnchorInclusion(second.TxHash, 18, Bytes(32, 0x18), 2), fence, Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorFinalAsync(2, second.TxHash, fence, Token));
        await AssertStateAsync(processor, released, PaymentStatus.Settled, 2);
        await AssertLedgerAsync(posted: [accepted, held]);
    }

    // 8. Quote rules: each refusal records nothing and moves nothing.
    [Fact]
    public async Task An_expired_quote_is_refused_and_nothing_is_recorded()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        Assert.Equal(Clock.GetUtcNow() + processor.Options.QuoteLifetime, quote.ExpiresAt);
        Clock.Set(quote.ExpiresAt);

        await AssertRefusedAsync(processor, Request(quote, AliceUsd, AliceEur), Alice, PaymentError.QuoteExpired, quote.Id);
    }

    [Fact]
    public async Task Someone_elses_quote_or_an_unknown_one_is_not_found_and_nothing_is_recorded()
    {
        var processor = await OpenDeskAsync();
        var bobs = await QuoteAsync(processor, Bob);

        await AssertRefusedAsync(processor, Request(bobs, AliceUsd, AliceEur), Alice, PaymentError.QuoteNotFound, bobs.Id);
        await AssertRefusedAsync(processor, new PaymentRequest(NextPaymentId(), 0x0BAD, AliceUsd, AliceEur, 0), Alice, PaymentError.QuoteNotFound, bobs.Id);

        // Bob can still use it.
        await PayAsync(processor, Bob, BobUsd, BobEur, PaymentStatus.Accepted, bobs);
    }

    [Fact]
    public async Task A_used_quote_is_refused_for_another_payment_and_nothing_more_is_recorded()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);
        var payment = await PayAsync(processor, Alice, AliceUsd, AliceEur, PaymentStatus.Accepted, quote);
        var logSize = await LogSizeAsync();

        var second = Request(quote, AliceUsd, AliceEur);
        var outcome = await processor.CreateAsync(second, Alice, callerIsOperator: false, Token);
        Assert.Equal(PaymentOutcome.Fail(PaymentError.QuoteUsed), outcome);
        Assert.Null(await Store.GetPaymentAsync(second.Id, Token));
        Assert.Equal((UInt128?)payment.Id, await Store.GetQuotePaymentAsync(quote.Id, Token));
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertLedgerAsync(posted: [payment]);
    }

    [Fact]
    public async Task Accounts_in_the_wrong_currencies_are_refused_and_the_quote_stays_unused()
    {
        var processor = await OpenDeskAsync();
        var quote = await QuoteAsync(processor, Alice);

        // The quote sells dollars for euros: a euro debtor, or a dollar creditor, does not fit it.
        await AssertRefusedAsync(processor, Request(quote, AliceEur, BobEur), Alice, PaymentError.DebtorCurrencyMismatch, quote.Id);
        await AssertRefusedAsync(processor, Request(quote, AliceUsd, BobUsd), Alice, PaymentError.CreditorCurrencyMismatch, quote.Id);

        await PayAsync(processor, Alice, AliceUsd, AliceEur, PaymentStatus.Accepted, quote);
    }

    /// <summary>Creates the desk's accounts, funds them, sets the rate and the currency setups, and adds Alice and Bob (KYC verified).</summary>
    private async Task<PaymentProcessor> OpenDeskAsync()
    {
        var directory = (IDirectoryStore)Ledger.Store;
        await Ledger.CreateAccountsCreatedAsync(
            Build.Account(UsdFunding, Usd, 1, AccountFlags.None, Operator),
            Build.Account(UsdLiquidity, Usd, 1, AccountFlags.DebitsMustNotExceedCredits, Operator),
            Build.Account(UsdFee, Usd, 1, AccountFlags.None, Operator),
            Build.Account(EurFunding, Eur, 1, AccountFlags.None, Operator),
            Build.Account(EurLiquidity, Eur, 1, AccountFlags.DebitsMustNotExceedCredits, Operator),
            Build.Account(EurFee, Eur, 1, AccountFlags.None, Operator),
            Build.Account(AliceUsd, Usd, 1, AccountFlags.DebitsMustNotExceedCredits, Alice),
            Build.Account(AliceEur, Eur, 1, AccountFlags.None, Alice),
            Build.Account(BobUsd, Usd, 1, AccountFlags.DebitsMustNotExceedCredits, Bob),
            Build.Account(BobEur, Eur, 1, AccountFlags.None, Bob));
        await Ledger.CreatedAsync(
            Build.Transfer(1, UsdFunding, UsdLiquidity, LiquidityDepth, ledger: Usd),
            Build.Transfer(2, EurFunding, EurLiquidity, LiquidityDepth, ledger: Eur),
            Build.Transfer(3, UsdFunding, AliceUsd, BankFunds, ledger: Usd),
            Build.Transfer(4, UsdFunding, BobUsd, BankFunds, ledger: Usd));

        var now = Clock.GetUtcNow();
        await Store.SetFxRateAsync(new FxRateEntry(Usd, Eur, new FxDecimal(9, 1), 100, now), Token);
        await Store.SetFxCurrencyAsync(new FxCurrencySetup(Usd, UsdLiquidity, UsdFee, 10, 25, now), Token);
        await Store.SetFxCurrencyAsync(new FxCurrencySetup(Eur, EurLiquidity, EurFee, 10, 25, now), Token);
        Assert.True(await directory.TryAddParticipantAsync(new Participant(Alice, "Alice Bank", ParticipantRole.Bank, "GB", KycStatus.Verified, now), [0xA1, 1, 2, 3], Token));
        Assert.True(await directory.TryAddParticipantAsync(new Participant(Bob, "Bob Bank", ParticipantRole.Bank, "FR", KycStatus.Verified, now), [0xB0, 1, 2, 3], Token));
        return new PaymentProcessor(Store, Ledger.Store, directory, Ledger.Engine, Clock, options);
    }

    /// <summary>A velocity rule allowing no payments at all: every payment of the participant is held for the operator.</summary>
    private async Task HoldEveryPaymentOfAsync(UInt128 participant) =>
        await Store.SetRiskProfileAsync(participant, new RiskProfile([], new VelocityRule(3_600, 0, []), Clock.GetUtcNow()), Token);

    private async Task<FxQuote> QuoteAsync(PaymentProcessor processor, UInt128 participant)
    {
        var outcome = await processor.QuoteAsync(participant, UsDollar, Euro, SellAmount, Token);
        Assert.Equal(PaymentError.None, outcome.Error);
        var quote = outcome.Quote!;
        Assert.Equal((SellAmount, BuyAmount, FeeAmount, participant), (quote.SellAmount, quote.BuyAmount, quote.FeeAmount, quote.ParticipantId));
        return quote;
    }

    private async Task<Payment> PayAsync(PaymentProcessor processor, UInt128 participant, UInt128 debtor, UInt128 creditor, PaymentStatus expected, FxQuote? quote = null)
    {
        quote ??= await QuoteAsync(processor, participant);
        var outcome = await processor.CreateAsync(Request(quote, debtor, creditor), participant, callerIsOperator: false, Token);
        Assert.Equal((PaymentError.None, true, expected), (outcome.Error, outcome.Created, outcome.State!.Status));
        return outcome.Payment!;
    }

    private UInt128 NextPaymentId() => nextPaymentId++;

    private PaymentRequest Request(FxQuote quote, UInt128 debtor, UInt128 creditor) => new(NextPaymentId(), quote.Id, debtor, creditor, Reference: 0x4EF);

    /// <summary>
    /// Records the payment exactly as <see cref="PaymentProcessor.CreateAsync"/> would (the same draft and the
    /// same risk rules), then stops: stage Received, no legs, as a node that crashed right after leaves it.
    /// </summary>
    private async Task<Payment> RecordAsCrashedAsync(PaymentRequest request, FxQuote quote, UInt128 participant)
    {
        var now = Clock.GetUtcNow();
        var draft = new PaymentDraft(
            request.Id,
            participant,
            quote.Id,
            request.DebtorAccountId,
            request.CreditorAccountId,
            UsdLiquidity,
            EurLiquidity,
            UsdFee,
            quote.SellLedger,
            quote.BuyLedger,
            quote.SellAmount,
            quote.BuyAmount,
            quote.FeeAmount,
            quote.RateNumerator,
            quote.RateDenominator,
            request.Reference,
            now);
        var creation = await Store.CreatePaymentAsync(
            draft,
            (profile, activity) => RiskEvaluator.Evaluate(new RiskInput(KycStatus.Verified, profile, quote.SellLedger, quote.SellAmount, quote.FeeAmount, activity, now)),
            Token);
        Assert.Equal(PaymentCreationKind.Created, creation.Kind);
        foreach (var id in PaymentLegs.LegIds(creation.Payment!))
        {
            Assert.False(await Ledger.TransferExistsAsync(id));
        }

        return creation.Payment!;
    }

    /// <summary>
    /// A payment whose stage went to Failed (a node saw the ledger refuse its legs) and whose legs are in
    /// the ledger all the same (another node, working from the Received stage it had read, committed them
    /// once the money was there and stopped before moving the stage on).
    /// </summary>
    private async Task<(PaymentRequest Request, Payment Payment)> FailedWithLegsInTheLedgerAsync(PaymentProcessor processor)
    {
        var quote = await QuoteAsync(processor, Alice);
        var request = Request(quote, AliceUsd, AliceEur);
        var payment = await RecordAsCrashedAsync(request, quote, Alice);
        var decision = new RiskDecision("ledger", RiskOutcome.Reject, "exceeds_credits", "The ledger refused leg 1 (debtor to FX liquidity): exceeds_credits; nothing moved.", Clock.GetUtcNow());
        Assert.True(await Store.TryAdvancePaymentAsync(payment.Id, PaymentStage.Failed, "exceeds_credits", decision, Clock.GetUtcNow(), Token));
        await Ledger.CreatedAsync(PaymentLegs.Legs(payment, pending: false, options.HoldTimeoutSeconds));
        await AssertLedgerAsync(posted: [payment]);
        payment = await PaymentAsync(payment.Id);
        Assert.Equal(PaymentStage.Failed, payment.Stage);
        return (request, payment);
    }

    private async Task AssertRefusedAsync(PaymentProcessor processor, PaymentRequest request, UInt128 caller, PaymentError error, UInt128 quoteId)
    {
        var logSize = await LogSizeAsync();
        var outcome = await processor.CreateAsync(request, caller, callerIsOperator: false, Token);
        Assert.Equal(PaymentOutcome.Fail(error), outcome);
        Assert.Null(await Store.GetPaymentAsync(request.Id, Token));
        Assert.Null(await Store.GetQuotePaymentAsync(quoteId, Token));
        Assert.Equal(logSize, await LogSizeAsync());
        await AssertLedgerAsync(posted: []);
    }

    private static RiskDecision OperatorDecision(RiskOutcome outcome, string reason) =>
        new("operator", outcome, reason, "Decided by the operator before the node stopped.", ManualClock.DefaultStart);

    private async Task<Payment> PaymentAsync(UInt128 id) =>
        await Store.GetPaymentAsync(id, Token) ?? throw new InvalidOperationException($"Payment {id} is not recorded.");

    private async Task<ulong> LogSizeAsync() => (await Ledger.Store.GetHeadAsync(Token)).LogSize;

    /// <summary>Every leg is in the ledger as a posted (not pending) transfer with the payment's id.</summary>
    private async Task AssertPostedLegsAsync(Payment payment)
    {
        foreach (var (expected, leg) in PaymentLegs.Legs(payment, pending: false, options.HoldTimeoutSeconds).Zip(PaymentLegs.LegIds(payment)))
        {
            var stored = await Ledger.TransferAsync(leg);
            Assert.Null(stored.Pending);
            Assert.Equal(expected with { Timestamp = stored.Transfer.Timestamp }, stored.Transfer);
        }
    }

    private async Task AssertAbsentAsync(IEnumerable<UInt128> transferIds)
    {
        foreach (var id in transferIds)
        {
            Assert.False(await Ledger.TransferExistsAsync(id), $"transfer {id} does not exist");
        }
    }

    /// <summary>Accepted, completed by its last leg, not in any settlement batch.</summary>
    private async Task AssertAcceptedAsync(PaymentProcessor processor, Payment payment)
    {
        var state = await processor.DescribeAsync(payment, Token);
        var last = await Ledger.TransferAsync(PaymentLegs.LegIds(payment)[^1]);
        Assert.Equal((PaymentStatus.Accepted, (string?)null, (ulong?)last.LogIndex, (ulong?)null), (state.Status, state.Reason, state.LogIndex, state.SettlementSeq));
        Assert.Equal(PaymentLegs.LegIds(payment), state.LegIds);
        Assert.Empty(state.ResolutionIds);
    }

    private async Task AssertStateAsync(PaymentProcessor processor, Payment payment, PaymentStatus status, ulong settlementSeq)
    {
        var state = await processor.DescribeAsync(payment, Token);
        Assert.Equal((status, (ulong?)settlementSeq), (state.Status, state.SettlementSeq));
    }

    /// <summary>
    /// The four balances of every desk account are the funding plus exactly these payments' legs (posted, or
    /// pending for held ones) less exactly these refunds' legs; and every currency's books balance.
    /// </summary>
    private async Task AssertLedgerAsync(IReadOnlyList<Payment> posted, IReadOnlyList<Payment>? pending = null, IReadOnlyList<Refund>? refunds = null)
    {
        var expected = DeskAccounts.ToDictionary(static id => id, static _ => new Balances());
        expected[UsdFunding].DebitsPosted = LiquidityDepth + BankFunds + BankFunds;
        expected[UsdLiquidity].CreditsPosted = LiquidityDepth;
        expected[EurFunding].DebitsPosted = LiquidityDepth;
        expected[EurLiquidity].CreditsPosted = LiquidityDepth;
        expected[AliceUsd].CreditsPosted = BankFunds;
        expected[BobUsd].CreditsPosted = BankFunds;
        foreach (var payment in posted)
        {
            expected[payment.DebtorAccountId].DebitsPosted += payment.SellAmount + payment.FeeAmount;
            expected[payment.LiquiditySellAccountId].CreditsPosted += payment.SellAmount;
            expected[payment.FeeAccountId].CreditsPosted += payment.FeeAmount;
            expected[payment.LiquidityBuyAccountId].DebitsPosted += payment.BuyAmount;
            expected[payment.CreditorAccountId].CreditsPosted += payment.BuyAmount;
        }

        foreach (var payment in pending ?? [])
        {
            expected[payment.DebtorAccountId].DebitsPending += payment.SellAmount + payment.FeeAmount;
            expected[payment.LiquiditySellAccountId].CreditsPending += payment.SellAmount;
            expected[payment.FeeAccountId].CreditsPending += payment.FeeAmount;
            expected[payment.LiquidityBuyAccountId].DebitsPending += payment.BuyAmount;
            expected[payment.CreditorAccountId].CreditsPending += payment.BuyAmount;
        }

        foreach (var refund in refunds ?? [])
        {
            Assert.Equal(PaymentStage.Committed, refund.Stage);
            var payment = posted.Single(p => p.Id == refund.PaymentId);
            expected[payment.CreditorAccountId].DebitsPosted += refund.BuyAmount;
            expected[payment.LiquidityBuyAccountId].CreditsPosted += refund.BuyAmount;
            expected[payment.LiquiditySellAccountId].DebitsPosted += refund.SellAmount;
            expected[payment.FeeAccountId].DebitsPosted += refund.FeeAmount;
            expected[payment.DebtorAccountId].CreditsPosted += refund.SellAmount + refund.FeeAmount;
        }

        foreach (var (id, b) in expected)
        {
            await Ledger.AssertBalancesAsync(id, b.DebitsPending, b.DebitsPosted, b.CreditsPending, b.CreditsPosted);
        }

        await Ledger.AssertBooksBalanceAsync();
    }

    /// <summary>Starts <paramref name="count"/> calls that all wait on one gate, opens it, and returns their answers in call order.</summary>
    private static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await call(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(calls);
    }

    private async Task<SettlementFence> LeadAsync()
    {
        var grant = await ((ILeaseStore)Ledger.Store).TryAcquireAsync("silo", "payment-tests", TimeSpan.FromMinutes(5), Token);
        Assert.NotNull(grant);
        return new SettlementFence("silo", grant.Epoch);
    }

    private async Task<SettlementDraft> DraftAsync(ulong seq, ulong first, ulong treeSize)
    {
        var book = new NetPositionBook(first);
        foreach (var transfer in await Settlements.GetOwnedTransfersAsync(first, treeSize, SettlementLimits.OwnedTransfersPageMax, Token))
        {
            book.Add(transfer);
        }

        Assert.Equal(treeSize, book.NextLogIndex);
        var root = await new MerkleLog((IMerkleLogStore)Ledger.Store).GetTreeHeadAsync(treeSize, Token);
        return new SettlementDraft(seq, first, treeSize, root, Clock.GetUtcNow(), book.Positions());
    }

    private static SignedAnchor Signed(ulong nonce) => new(Bytes(32, (byte)nonce), Bytes(110, (byte)(nonce + 100)), nonce);

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>
    /// The store, except that the first read of one payment answers null: what a node saw when it read just
    /// before a concurrent copy of the same request recorded the payment. Everything else is the real store.
    /// </summary>
    private sealed class FirstPaymentReadBeforeItWasRecorded(IPaymentStore inner, UInt128 paymentId) : IPaymentStore
    {
        private int reads;

        public ValueTask<Payment?> GetPaymentAsync(UInt128 id, CancellationToken cancellationToken) =>
            id == paymentId && Interlocked.Increment(ref reads) == 1 ? ValueTask.FromResult<Payment?>(null) : inner.GetPaymentAsync(id, cancellationToken);

        public ValueTask SetFxRateAsync(FxRateEntry rate, CancellationToken cancellationToken) => inner.SetFxRateAsync(rate, cancellationToken);

        public ValueTask<FxRateEntry?> GetFxRateAsync(uint baseLedger, uint quoteLedger, CancellationToken cancellationToken) => inner.GetFxRateAsync(baseLedger, quoteLedger, cancellationToken);

        public ValueTask<IReadOnlyList<FxRateEntry>> ListFxRatesAsync(CancellationToken cancellationToken) => inner.ListFxRatesAsync(cancellationToken);

        public ValueTask SetFxCurrencyAsync(FxCurrencySetup setup, CancellationToken cancellationToken) => inner.SetFxCurrencyAsync(setup, cancellationToken);

        public ValueTask<FxCurrencySetup?> GetFxCurrencyAsync(uint ledger, CancellationToken cancellationToken) => inner.GetFxCurrencyAsync(ledger, cancellationToken);

        public ValueTask<IReadOnlyList<FxCurrencySetup>> ListFxCurrenciesAsync(CancellationToken cancellationToken) => inner.ListFxCurrenciesAsync(cancellationToken);

        public ValueTask AddQuoteAsync(FxQuote quote, CancellationToken cancellationToken) => inner.AddQuoteAsync(quote, cancellationToken);

        public ValueTask<FxQuote?> GetQuoteAsync(UInt128 id, CancellationToken cancellationToken) => inner.GetQuoteAsync(id, cancellationToken);

        public ValueTask<UInt128?> GetQuotePaymentAsync(UInt128 quoteId, CancellationToken cancellationToken) => inner.GetQuotePaymentAsync(quoteId, cancellationToken);

        public ValueTask SetRiskProfileAsync(UInt128 participantId, RiskProfile? profile, CancellationToken cancellationToken) => inner.SetRiskProfileAsync(participantId, profile, cancellationToken);

        public ValueTask<RiskProfile?> GetRiskProfileAsync(UInt128 participantId, CancellationToken cancellationToken) => inner.GetRiskProfileAsync(participantId, cancellationToken);

        public ValueTask<PaymentCreation> CreatePaymentAsync(PaymentDraft draft, Func<RiskProfile?, PaymentActivity, RiskAssessment> assess, CancellationToken cancellationToken) =>
            inner.CreatePaymentAsync(draft, assess, cancellationToken);

        public ValueTask<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentQuery query, CancellationToken cancellationToken) => inner.ListPaymentsAsync(query, cancellationToken);

        public ValueTask<IReadOnlyList<Payment>> ListUnfinishedPaymentsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) =>
            inner.ListUnfinishedPaymentsAsync(createdBefore, limit, cancellationToken);

        public ValueTask<bool> TryRecordOperatorActionAsync(UInt128 paymentId, OperatorAction action, RiskDecision decision, CancellationToken cancellationToken) =>
            inner.TryRecordOperatorActionAsync(paymentId, action, decision, cancellationToken);

        public ValueTask<bool> TryAdvancePaymentAsync(UInt128 paymentId, PaymentStage stage, string? failureReason, RiskDecision? decision, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.TryAdvancePaymentAsync(paymentId, stage, failureReason, decision, at, cancellationToken);

        public ValueTask<RefundCreation> CreateRefundAsync(RefundDraft draft, Func<Payment, RefundTotals, RefundShare?> share, CancellationToken cancellationToken) =>
            inner.CreateRefundAsync(draft, share, cancellationToken);

        public ValueTask<Refund?> GetRefundAsync(UInt128 id, CancellationToken cancellationToken) => inner.GetRefundAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<Refund>> ListRefundsAsync(UInt128 paymentId, CancellationToken cancellationToken) => inner.ListRefundsAsync(paymentId, cancellationToken);

        public ValueTask<IReadOnlyList<Refund>> ListUnfinishedRefundsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) =>
            inner.ListUnfinishedRefundsAsync(createdBefore, limit, cancellationToken);

        public ValueTask<bool> TryAdvanceRefundAsync(UInt128 refundId, PaymentStage stage, string? failureReason, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.TryAdvanceRefundAsync(refundId, stage, failureReason, at, cancellationToken);
    }

    private sealed class Balances
    {
        public UInt128 DebitsPending { get; set; }

        public UInt128 DebitsPosted { get; set; }

        public UInt128 CreditsPending { get; set; }

        public UInt128 CreditsPosted { get; set; }
    }
}
