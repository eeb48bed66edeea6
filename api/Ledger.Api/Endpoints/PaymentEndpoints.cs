using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>Cross-border payments: create at a quote, track, review held ones, refund.</summary>
public static class PaymentEndpoints
{
    public const int ReasonLengthMax = RiskDecision.DetailLengthMax;

    public static RouteGroupBuilder MapPayments(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/payments").WithTags("Payments");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreatePayment")
            .WithSummary("Pays at a quote: debtor → FX liquidity (sell), FX liquidity → creditor (buy), debtor → fee income, as one linked chain or not at all. 201 when new, 200 with the stored payment when the same request comes again.")
            .Accepts<CreatePaymentBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListPayments")
            .WithSummary("Payments, oldest first; status=pending lists those awaiting the operator's review. Banks see their own.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetPayment")
            .WithSummary("A payment with its status (read from the ledger), legs and every decision taken on it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/release", ReleaseAsync)
            .WithName("ReleasePayment")
            .WithSummary("Releases a held payment: its pending legs are posted. Operator only.")
            .Accepts<ReviewPaymentBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/reject", RejectAsync)
            .WithName("RejectPayment")
            .WithSummary("Rejects a held payment: its pending legs are voided and the funds are back. Operator only.")
            .Accepts<ReviewPaymentBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/refunds", RefundAsync)
            .WithName("RefundPayment")
            .WithSummary("Refunds all or part of an accepted payment as new linked transfers reversing its legs. The creditor account's owner or the operator.")
            .Accepts<CreateRefundBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}/refunds", ListRefundsAsync)
            .WithName("ListRefunds")
            .WithSummary("The payment's refunds, oldest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Created<PaymentResponse>, Ok<PaymentResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank) is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreatePaymentBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (WireFormat.ParseId(body.Id, "id", out var id) is { } badId)
        {
            return badId;
        }

        if (WireFormat.ParseId(body.QuoteId, "quote_id", out var quoteId) is { } badQuote)
        {
            return badQuote;
        }

        if (WireFormat.ParseId(body.DebtorAccountId, "debtor_account_id", out var debtor) is { } badDebtor)
        {
            return badDebtor;
        }

        if (WireFormat.ParseId(body.CreditorAccountId, "creditor_account_id", out var creditor) is { } badCreditor)
        {
            return badCreditor;
        }

        var reference = UInt128.Zero;
        if (body.Reference is not null && WireFormat.ParseId(body.Reference, "reference", out reference) is { } badReference)
        {
            return badReference;
        }

        var outcome = await processor.CreateAsync(new PaymentRequest(id, quoteId, debtor, creditor, reference), caller.Id, caller.IsOperator, cancellationToken);
        if (outcome.Error != PaymentError.None)
        {
            return PaymentProblems.For(outcome.Error);
        }

        var view = await ViewAsync(outcome.Payment!, outcome.State!, payments, currencies, cancellationToken);
        return outcome.Created ? TypedResults.Created($"/v1/payments/{view.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, ILedgerStore store, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The payment id in the path", out var paymentId) is { } badId)
        {
            return badId;
        }

        var payment = await payments.GetPaymentAsync(paymentId, cancellationToken);
        if (payment is null || !await MayReadAsync(caller, payment, store, cancellationToken))
        {
            return Problems.NotFound($"There is no payment {id} the caller may see.");
        }

        var state = await processor.DescribeAsync(payment, cancellationToken);
        return TypedResults.Ok(await ViewAsync(payment, state, payments, currencies, cancellationToken));
    }

    public static async Task<Results<Ok<PaymentsResponse>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = Caller.From(user);
        var status = request.Query["status"].ToString();
        if (status.Length > 0 && status != "pending")
        {
            return Problems.BadRequest("invalid_status", "status may only be pending (the payments awaiting review); leave it out for all.");
        }

        if (QueryNumbers.Read(request, "limit", 1, PaymentQuery.LimitMax, 100, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        DateTimeOffset? afterCreatedAt = null;
        var afterId = UInt128.Zero;
        var after = request.Query["after"].ToString();
        if (after.Length > 0)
        {
            if (WireFormat.ParseId(after, "after", out afterId) is { } badAfter)
            {
                return badAfter;
            }

            var cursor = await payments.GetPaymentAsync(afterId, cancellationToken);
            if (cursor is null)
            {
                return Problems.BadRequest("invalid_cursor", "after must be the id of a payment from an earlier page.");
            }

            afterCreatedAt = cursor.CreatedAt;
        }

        UInt128? participant = caller.ReadsEverything ? null : caller.Id;
        var page = await payments.ListPaymentsAsync(new PaymentQuery(participant, status == "pending", afterCreatedAt, afterId, (int)limit), cancellationToken);
        var views = new List<PaymentResponse>(page.Count);
        foreach (var payment in page)
        {
            views.Add(await ViewAsync(payment, await processor.DescribeAsync(payment, cancellationToken), payments, currencies, cancellationToken));
        }

        var next = page.Count == (int)limit ? WireFormat.Id(page[^1].Id) : null;
        return TypedResults.Ok(new PaymentsResponse(views, next));
    }

    public static Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> ReleaseAsync(
        string id, HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken) =>
        ReviewAsync(id, OperatorAction.Release, request, user, processor, payments, currencies, cancellationToken);

    public static Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> RejectAsync(
        string id, HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken) =>
        ReviewAsync(id, OperatorAction.Reject, request, user, processor, payments, currencies, cancellationToken);

    public static async Task<Results<Created<RefundResponse>, Ok<RefundResponse>, ProblemHttpResult>> RefundAsync(
        string id, HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank, ParticipantRole.Merchant) is { } denied)
        {
            return denied;
        }

        if (WireFormat.ParseId(id, "The payment id in the path", out var paymentId) is { } badPath)
        {
            return badPath;
        }

        var read = await JsonBody.ReadAsync<CreateRefundBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (WireFormat.ParseId(body.Id, "id", out var refundId) is { } badId)
        {
            return badId;
        }

        UInt128? amount = null;
        if (body.Amount is not null)
        {
            if (!WireFormat.TryParseAmount(body.Amount, out var parsed) || parsed == UInt128.Zero)
            {
                return Problems.BadRequest("invalid_amount", $"amount is '{body.Amount}'; it must be a string of decimal digits above zero, at most 2^128-1.");
            }

            amount = parsed;
        }

        var reference = UInt128.Zero;
        if (body.Reference is not null && WireFormat.ParseId(body.Reference, "reference", out reference) is { } badReference)
        {
            return badReference;
        }

        var outcome = await processor.RefundAsync(new RefundRequest(refundId, paymentId, amount, reference), caller.Id, caller.IsOperator, cancellationToken);
        if (outcome.Error != PaymentError.None)
        {
            return PaymentProblems.For(outcome.Error);
        }

        var view = RefundView(outcome.Refund!);
        return outcome.Created ? TypedResults.Created($"/v1/payments/{id}/refunds", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<RefundsResponse>, ProblemHttpResult>> ListRefundsAsync(
        string id, ClaimsPrincipal user, IPaymentStore payments, ILedgerStore store, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The payment id in the path", out var paymentId) is { } badId)
        {
            return badId;
        }

        var payment = await payments.GetPaymentAsync(paymentId, cancellationToken);
        if (payment is null || !await MayReadAsync(caller, payment, store, cancellationToken))
        {
            return Problems.NotFound($"There is no payment {id} the caller may see.");
        }

        var refunds = await payments.ListRefundsAsync(paymentId, cancellationToken);
        return TypedResults.Ok(new RefundsResponse([.. refunds.Select(RefundView)]));
    }

    /// <summary>The operator and auditors see every payment; a participant those it sends or receives.</summary>
    public static async ValueTask<bool> MayReadAsync(Caller caller, Payment payment, ILedgerStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(store);
        if (caller.ReadsEverything || payment.ParticipantId == caller.Id)
        {
            return true;
        }

        var creditor = await store.GetAccountAsync(payment.CreditorAccountId, cancellationToken);
        return creditor?.UserData128 == caller.Id;
    }

    public static async ValueTask<PaymentResponse> ViewAsync(Payment payment, PaymentState state, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(currencies);
        var refunded = RefundTotals.Zero;
        foreach (var refund in await payments.ListRefundsAsync(payment.Id, cancellationToken))
        {
            if (refund.Stage == PaymentStage.Committed)
            {
                refunded = new RefundTotals(refunded.BuyAmount + refund.BuyAmount, refunded.SellAmount + refund.SellAmount, refunded.FeeAmount + refund.FeeAmount);
            }
        }

        var sell = await currencies.NameLedgerAsync(payment.SellLedger, cancellationToken);
        return new PaymentResponse(
            WireFormat.Id(payment.Id),
            StatusName(state.Status),
            IsoStatus(state.Status),
            state.Reason,
            WireFormat.Id(payment.QuoteId),
            WireFormat.Id(payment.DebtorAccountId),
            WireFormat.Id(payment.CreditorAccountId),
            WireFormat.OptionalId(payment.Reference),
            sell,
            WireFormat.Amount(payment.SellAmount),
            await currencies.NameLedgerAsync(payment.BuyLedger, cancellationToken),
            WireFormat.Amount(payment.BuyAmount),
            sell,
            WireFormat.Amount(payment.FeeAmount),
            FxDecimalText.FormatFraction(payment.RateNumerator, payment.RateDenominator, FxEndpoints.RateDisplayDecimals),
            FxEndpoints.Fraction(payment.RateNumerator, payment.RateDenominator),
            [.. state.LegIds.Select(WireFormat.Id)],
            [.. state.ResolutionIds.Select(WireFormat.Id)],
            state.LogIndex is { } index ? WireFormat.Integer(index) : null,
            state.SettlementSeq,
            [.. payment.Decisions.Select(DecisionView)],
            new RefundedResponse(WireFormat.Amount(refunded.BuyAmount), WireFormat.Amount(refunded.SellAmount), WireFormat.Amount(refunded.FeeAmount)),
            WireFormat.Timestamp(payment.CreatedAt),
            WireFormat.Timestamp(payment.UpdatedAt));
    }

    public static RefundResponse RefundView(Refund refund)
    {
        ArgumentNullException.ThrowIfNull(refund);
        return new RefundResponse(
            WireFormat.Id(refund.Id),
            WireFormat.Id(refund.PaymentId),
            PaymentProcessor.StatusOf(refund) switch
            {
                RefundStatus.Received => "received",
                RefundStatus.Completed => "completed",
                _ => "rejected",
            },
            refund.FailureReason,
            WireFormat.Amount(refund.BuyAmount),
            WireFormat.Amount(refund.SellAmount),
            WireFormat.Amount(refund.FeeAmount),
            [.. PaymentLegs.RefundLegIds(refund).Select(WireFormat.Id)],
            WireFormat.OptionalId(refund.Reference),
            WireFormat.Timestamp(refund.CreatedAt));
    }

    public static string StatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.Received => "received",
        PaymentStatus.Pending => "pending",
        PaymentStatus.Accepted => "accepted",
        PaymentStatus.Settled => "settled",
        _ => "rejected",
    };

    public static string IsoStatus(PaymentStatus status) => status switch
    {
        PaymentStatus.Received => "RCVD",
        PaymentStatus.Pending => "PDNG",
        PaymentStatus.Accepted => "ACSP",
        PaymentStatus.Settled => "ACCC",
        _ => "RJCT",
    };

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> ReviewAsync(
        string id, OperatorAction action, HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        if (WireFormat.ParseId(id, "The payment id in the path", out var paymentId) is { } badId)
        {
            return badId;
        }

        string? reasonText = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var read = await JsonBody.ReadAsync<ReviewPaymentBody>(request);
            if (read.Problem is { } bad)
            {
                return bad;
            }

            reasonText = read.Value!.Reason?.Trim();
            if (reasonText is not null && (reasonText.Length == 0 || reasonText.Length > ReasonLengthMax || reasonText.Any(char.IsControl)))
            {
                return Problems.BadRequest("invalid_reason", $"reason must be 1 to {ReasonLengthMax} printable characters.");
            }
        }

        var code = action == OperatorAction.Release ? "released_by_operator" : "rejected_by_operator";
        var detail = reasonText ?? (action == OperatorAction.Release ? "Released by the operator." : "Rejected by the operator.");
        var outcome = await processor.ReviewAsync(paymentId, action, code, detail, cancellationToken);
        if (outcome.Error != PaymentError.None)
        {
            return PaymentProblems.For(outcome.Error);
        }

        return TypedResults.Ok(await ViewAsync(outcome.Payment!, outcome.State!, payments, currencies, cancellationToken));
    }

    private static DecisionResponse DecisionView(RiskDecision decision) => new(
        decision.Rule,
        decision.Outcome switch
        {
            RiskOutcome.Accept => "accept",
            RiskOutcome.Hold => "hold",
            _ => "reject",
        },
        decision.Reason,
        decision.Detail,
        WireFormat.Timestamp(decision.At));
}
