using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// FX configuration, quotes, risk profiles, payments and refunds, in the same database file as the ledger.
/// Every write that reads before it writes runs in one immediate transaction: BEGIN IMMEDIATE takes the
/// file's write lock before the first read, so creations (of payments for one participant, of refunds of
/// one payment, and of everything else) are serialised, and each sees all that was committed before it.
/// Stage moves are compare-and-set in the UPDATE's WHERE.
/// </summary>
public sealed partial class SqliteLedgerStore : IPaymentStore
{
    private const string PaymentColumns =
        "id, participant_id, quote_id, debtor_account_id, creditor_account_id, liquidity_sell_account_id, liquidity_buy_account_id, fee_account_id, " +
        "sell_ledger, buy_ledger, sell_amount, buy_amount, fee_amount, rate_numerator, rate_denominator, reference, " +
        "risk_outcome, risk_reason, operator_action, stage, failure_reason, created_at, updated_at";

    private const string PaymentValues =
        "$id, $participant, $quote, $debtor, $creditor, $liquiditySell, $liquidityBuy, $feeAccount, " +
        "$sellLedger, $buyLedger, $sellAmount, $buyAmount, $feeAmount, $rateNumerator, $rateDenominator, $reference, " +
        "$riskOutcome, $riskReason, $operatorAction, $stage, $failureReason, $createdAt, $updatedAt";

    private const string RefundColumns = "id, payment_id, requested_by, buy_amount, sell_amount, fee_amount, reference, stage, failure_reason, created_at, updated_at";

    private const string QuoteColumns =
        "id, participant_id, sell_ledger, buy_ledger, sell_amount, buy_amount, fee_amount, mid_mantissa, mid_scale, inverted, spread_bps, rate_numerator, rate_denominator, created_at, expires_at";

    // A payment counts in a participant's activity unless it was rejected: by the risk rules, by the
    // ledger (Failed) or by the operator. Held payments count.
    private const string CountsInActivity = "risk_outcome <> 3 AND stage <> 3 AND operator_action <> 2";

    // Awaiting review: held, no operator action yet, not Failed. The same text as the partial index's
    // WHERE, so SQLite can use that index.
    private const string AwaitingReview = "risk_outcome = 2 AND operator_action = 0 AND stage <> 3";

    public async ValueTask SetFxRateAsync(FxRateEntry rate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rate);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, """
            INSERT INTO fx_rates (base_ledger, quote_ledger, mantissa, scale, spread_bps, updated_at)
            VALUES ($base, $quote, $mantissa, $scale, $spread, $at)
            ON CONFLICT (base_ledger, quote_ledger) DO UPDATE SET
                mantissa = excluded.mantissa, scale = excluded.scale, spread_bps = excluded.spread_bps, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("$base", (long)rate.BaseLedger);
        command.Parameters.AddWithValue("$quote", (long)rate.QuoteLedger);
        command.Parameters.AddWithValue("$mantissa", Blob.From(rate.Rate.Mantissa));
        command.Parameters.AddWithValue("$scale", (long)rate.Rate.Scale);
        command.Parameters.AddWithValue("$spread", (long)rate.SpreadBps);
        command.Parameters.AddWithValue("$at", rate.UpdatedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxRateEntry?> GetFxRateAsync(uint baseLedger, uint quoteLedger, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "SELECT base_ledger, quote_ledger, mantissa, scale, spread_bps, updated_at FROM fx_rates WHERE base_ledger = $base AND quote_ledger = $quote");
        command.Parameters.AddWithValue("$base", (long)baseLedger);
        command.Parameters.AddWithValue("$quote", (long)quoteLedger);
        var found = await ReadAllAsync(command, ReadFxRate, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<FxRateEntry>> ListFxRatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "SELECT base_ledger, quote_ledger, mantissa, scale, spread_bps, updated_at FROM fx_rates ORDER BY base_ledger, quote_ledger");
        return await ReadAllAsync(command, ReadFxRate, cancellationToken);
    }

    public async ValueTask SetFxCurrencyAsync(FxCurrencySetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, """
            INSERT INTO fx_currencies (ledger, liquidity_account_id, fee_account_id, fee_bps, fee_minimum, updated_at)
            VALUES ($ledger, $liquidity, $fee, $bps, $minimum, $at)
            ON CONFLICT (ledger) DO UPDATE SET
                liquidity_account_id = excluded.liquidity_account_id, fee_account_id = excluded.fee_account_id,
                fee_bps = excluded.fee_bps, fee_minimum = excluded.fee_minimum, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("$ledger", (long)setup.Ledger);
        command.Parameters.AddWithValue("$liquidity", Blob.From(setup.LiquidityAccountId));
        command.Parameters.AddWithValue("$fee", Blob.From(setup.FeeAccountId));
        command.Parameters.AddWithValue("$bps", (long)setup.FeeBps);
        command.Parameters.AddWithValue("$minimum", Blob.From(setup.FeeMinimum));
        command.Parameters.AddWithValue("$at", setup.UpdatedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxCurrencySetup?> GetFxCurrencyAsync(uint ledger, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "SELECT ledger, liquidity_account_id, fee_account_id, fee_bps, fee_minimum, updated_at FROM fx_currencies WHERE ledger = $ledger");
        command.Parameters.AddWithValue("$ledger", (long)ledger);
        var found = await ReadAllAsync(command, ReadFxCurrency, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<FxCurrencySetup>> ListFxCurrenciesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "SELECT ledger, liquidity_account_id, fee_account_id, fee_bps, fee_minimum, updated_at FROM fx_currencies ORDER BY ledger");
        return await ReadAllAsync(command, ReadFxCurrency, cancellationToken);
    }

    public async ValueTask AddQuoteAsync(FxQuote quote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, $"""
            INSERT INTO fx_quotes ({QuoteColumns}, payment_id)
            VALUES ($id, $participant, $sellLedger, $buyLedger, $sellAmount, $buyAmount, $feeAmount, $midMantissa, $midScale, $inverted, $spread,
                $rateNumerator, $rateDenominator, $createdAt, $expiresAt, NULL)
            """);
        command.Parameters.AddWithValue("$id", Blob.From(quote.Id));
        command.Parameters.AddWithValue("$participant", Blob.From(quote.ParticipantId));
        command.Parameters.AddWithValue("$sellLedger", (long)quote.SellLedger);
        command.Parameters.AddWithValue("$buyLedger", (long)quote.BuyLedger);
        command.Parameters.AddWithValue("$sellAmount", Blob.From(quote.SellAmount));
        command.Parameters.AddWithValue("$buyAmount", Blob.From(quote.BuyAmount));
        command.Parameters.AddWithValue("$feeAmount", Blob.From(quote.FeeAmount));
        command.Parameters.AddWithValue("$midMantissa", Blob.From(quote.MidRate.Mantissa));
        command.Parameters.AddWithValue("$midScale", (long)quote.MidRate.Scale);
        command.Parameters.AddWithValue("$inverted", quote.Inverted ? 1L : 0L);
        command.Parameters.AddWithValue("$spread", (long)quote.SpreadBps);
        command.Parameters.AddWithValue("$rateNumerator", Blob.From(quote.RateNumerator));
        command.Parameters.AddWithValue("$rateDenominator", Blob.From(quote.RateDenominator));
        command.Parameters.AddWithValue("$createdAt", quote.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$expiresAt", quote.ExpiresAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxQuote?> GetQuoteAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(connection, null, $"SELECT {QuoteColumns} FROM fx_quotes WHERE id = $id");
        command.Parameters.AddWithValue("$id", Blob.From(id));
        var found = await ReadAllAsync(command, ReadQuote, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<UInt128?> GetQuotePaymentAsync(UInt128 quoteId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(connection, null, "SELECT payment_id FROM fx_quotes WHERE id = $id");
        command.Parameters.AddWithValue("$id", Blob.From(quoteId));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] paymentId ? Blob.ToUInt128(paymentId) : null;
    }

    public async ValueTask SetRiskProfileAsync(UInt128 participantId, RiskProfile? profile, CancellationToken cancellationToken)
    {
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var id = Blob.From(participantId);
        foreach (var table in (string[])["risk_profiles", "risk_currency_limits", "risk_velocity_values"])
        {
            await using var delete = NewCommand(connection, transaction, $"DELETE FROM {table} WHERE participant_id = $id");
            delete.Parameters.AddWithValue("$id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (profile is not null)
        {
            ArgumentNullException.ThrowIfNull(profile.Limits);
            await using (var insert = NewCommand(
                connection,
                transaction,
                "INSERT INTO risk_profiles (participant_id, velocity_window_seconds, velocity_count_max, updated_at) VALUES ($id, $window, $count, $at)"))
            {
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$window", profile.Velocity is null ? DBNull.Value : (long)profile.Velocity.WindowSeconds);
                insert.Parameters.AddWithValue("$count", profile.Velocity?.CountMax is { } countMax ? (long)countMax : DBNull.Value);
                insert.Parameters.AddWithValue("$at", profile.UpdatedAt.UtcTicks);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var limit = NewCommand(
                connection,
                transaction,
                "INSERT INTO risk_currency_limits (participant_id, ordinal, ledger, single_payment_max, daily_outflow_max) VALUES ($id, $ordinal, $ledger, $single, $daily)"))
            {
                limit.Parameters.AddWithValue("$id", id);
                var ordinal = limit.Parameters.Add("$ordinal", SqliteType.Integer);
                var ledger = limit.Parameters.Add("$ledger", SqliteType.Integer);
                var single = limit.Parameters.Add("$single", SqliteType.Blob);
                var daily = limit.Parameters.Add("$daily", SqliteType.Blob);
                for (var i = 0; i < profile.Limits.Count; i++)
                {
                    var entry = profile.Limits[i];
                    ordinal.Value = (long)i;
                    ledger.Value = (long)entry.Ledger;
                    single.Value = NullableBlob(entry.SinglePaymentMax);
                    daily.Value = NullableBlob(entry.DailyOutflowMax);
                    await limit.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            if (profile.Velocity is { } velocity)
            {
                ArgumentNullException.ThrowIfNull(velocity.ValueMax);
                await using var value = NewCommand(
                    connection,
                    transaction,
                    "INSERT INTO risk_velocity_values (participant_id, ordinal, ledger, value_max) VALUES ($id, $ordinal, $ledger, $max)");
                value.Parameters.AddWithValue("$id", id);
                var ordinal = value.Parameters.Add("$ordinal", SqliteType.Integer);
                var ledger = value.Parameters.Add("$ledger", SqliteType.Integer);
                var max = value.Parameters.Add("$max", SqliteType.Blob);
                for (var i = 0; i < velocity.ValueMax.Count; i++)
                {
                    ordinal.Value = (long)i;
                    ledger.Value = (long)velocity.ValueMax[i].Ledger;
                    max.Value = Blob.From(velocity.ValueMax[i].ValueMax);
                    await value.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        transaction.Commit();
    }

    public async ValueTask<RiskProfile?> GetRiskProfileAsync(UInt128 participantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);

        // One read transaction, so the profile and its lists come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        return await ReadRiskProfileAsync(connection, transaction, participantId, cancellationToken);
    }

    public async ValueTask<PaymentCreation> CreatePaymentAsync(
        PaymentDraft draft,
        Func<RiskProfile?, PaymentActivity, RiskAssessment> assess,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(assess);
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);

        var existing = await ReadPaymentsAsync(connection, transaction, "WHERE id = $id", 1, c => c.Parameters.AddWithValue("$id", Blob.From(draft.Id)), cancellationToken);
        if (existing.Count == 1)
        {
            return new PaymentCreation(PaymentCreationKind.Exists, existing[0]);
        }

        await using (var quote = NewCommand(connection, transaction, "SELECT payment_id FROM fx_quotes WHERE id = $id"))
        {
            quote.Parameters.AddWithValue("$id", Blob.From(draft.QuoteId));
            switch (await quote.ExecuteScalarAsync(cancellationToken))
            {
                case null:
                    return new PaymentCreation(PaymentCreationKind.QuoteNotFound, null);
                case byte[]:
                    return new PaymentCreation(PaymentCreationKind.QuoteUsed, null);
            }
        }

        var profile = await ReadRiskProfileAsync(connection, transaction, draft.ParticipantId, cancellationToken)
            ?? await ReadRiskProfileAsync(connection, transaction, UInt128.Zero, cancellationToken);
        var tally = new ActivityTally(draft, profile?.Velocity);
        await using (var activity = NewCommand(
            connection,
            transaction,
            $"SELECT sell_ledger, sell_amount, fee_amount, created_at FROM payments WHERE participant_id = $participant AND created_at >= $from AND {CountsInActivity}"))
        {
            activity.Parameters.AddWithValue("$participant", Blob.From(draft.ParticipantId));
            activity.Parameters.AddWithValue("$from", tally.ScanFrom);
            await using var reader = await activity.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tally.Add(checked((uint)reader.GetInt64(0)), Blob.ToUInt128((byte[])reader[1]), Blob.ToUInt128((byte[])reader[2]), reader.GetInt64(3));
            }
        }

        var payment = NewPayment(draft, assess(profile, tally.Activity));
        await using (var insert = NewCommand(connection, transaction, $"INSERT INTO payments ({PaymentColumns}) VALUES ({PaymentValues})"))
        {
            BindPayment(insert, payment);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var i = 0; i < payment.Decisions.Count; i++)
        {
            await InsertDecisionAsync(connection, transaction, payment.Id, i + 1, payment.Decisions[i], cancellationToken);
        }

        await using (var use = NewCommand(connection, transaction, "UPDATE fx_quotes SET payment_id = $payment WHERE id = $id AND payment_id IS NULL"))
        {
            use.Parameters.AddWithValue("$payment", Blob.From(payment.Id));
            use.Parameters.AddWithValue("$id", Blob.From(payment.QuoteId));
            if (await use.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // The write lock is held since the check above: nothing else can have used the quote.
                throw new InvalidOperationException($"Quote {payment.QuoteId} changed under the write lock.");
            }
        }

        transaction.Commit();
        return new PaymentCreation(PaymentCreationKind.Created, payment);
    }

    public async ValueTask<Payment?> GetPaymentAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var found = await ReadPaymentsAsync(connection, null, "WHERE id = $id", 1, c => c.Parameters.AddWithValue("$id", Blob.From(id)), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, PaymentQuery.LimitMax);
        var conditions = new List<string>(3);
        if (query.ParticipantId.HasValue)
        {
            conditions.Add("participant_id = $participant");
        }

        if (query.AwaitingReviewOnly)
        {
            conditions.Add(AwaitingReview);
        }

        if (query.AfterCreatedAt.HasValue)
        {
            conditions.Add("(created_at, id) > ($afterAt, $afterId)");
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await ReadPaymentsAsync(connection, null, where, query.Limit, command =>
        {
            if (query.ParticipantId is { } participant)
            {
                command.Parameters.AddWithValue("$participant", Blob.From(participant));
            }

            if (query.AfterCreatedAt is { } afterAt)
            {
                command.Parameters.AddWithValue("$afterAt", afterAt.UtcTicks);
                command.Parameters.AddWithValue("$afterId", Blob.From(query.AfterId));
            }
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payment>> ListUnfinishedPaymentsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PaymentQuery.LimitMax);
        await using var connection = await OpenReaderAsync(cancellationToken);

        // (Received, created before, not rejected) or (an operator action, still Committed), written as
        // the partial index's WHERE and a second term, so SQLite can use that index.
        return await ReadPaymentsAsync(
            connection,
            null,
            "WHERE (stage = 0 OR (operator_action <> 0 AND stage = 1)) AND (stage = 1 OR (created_at < $before AND risk_outcome <> 3))",
            limit,
            c => c.Parameters.AddWithValue("$before", createdBefore.UtcTicks),
            cancellationToken);
    }

    public async ValueTask<bool> TryRecordOperatorActionAsync(UInt128 paymentId, OperatorAction action, RiskDecision decision, CancellationToken cancellationToken)
    {
        if (action is not (OperatorAction.Release or OperatorAction.Reject))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "An operator action is a release or a reject.");
        }

        ArgumentNullException.ThrowIfNull(decision);
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        await using (var update = NewCommand(
            connection,
            transaction,
            $"UPDATE payments SET operator_action = $action, updated_at = $at WHERE id = $id AND {AwaitingReview}"))
        {
            update.Parameters.AddWithValue("$id", Blob.From(paymentId));
            update.Parameters.AddWithValue("$action", (long)action);
            update.Parameters.AddWithValue("$at", decision.At.UtcTicks);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await InsertDecisionAsync(connection, transaction, paymentId, null, decision, cancellationToken);
        transaction.Commit();
        return true;
    }

    public async ValueTask<bool> TryAdvancePaymentAsync(
        UInt128 paymentId, PaymentStage stage, string? failureReason, RiskDecision? decision, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var from = PaymentStagesBefore(stage, failureReason);
        if (from is null)
        {
            return false;
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        await using (var update = NewCommand(
            connection,
            transaction,
            $"UPDATE payments SET stage = $stage, failure_reason = $reason, updated_at = $at WHERE id = $id AND stage IN ({from})"))
        {
            update.Parameters.AddWithValue("$id", Blob.From(paymentId));
            update.Parameters.AddWithValue("$stage", (long)stage);
            update.Parameters.AddWithValue("$reason", stage == PaymentStage.Failed ? failureReason : DBNull.Value);
            update.Parameters.AddWithValue("$at", at.UtcTicks);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        if (decision is not null)
        {
            await InsertDecisionAsync(connection, transaction, paymentId, null, decision, cancellationToken);
        }

        transaction.Commit();
        return true;
    }

    public async ValueTask<RefundCreation> CreateRefundAsync(
        RefundDraft draft,
        Func<Payment, RefundTotals, RefundShare?> share,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(share);
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);

        var existing = await ReadRefundsAsync(connection, transaction, "WHERE id = $id", 1, c => c.Parameters.AddWithValue("$id", Blob.From(draft.Id)), cancellationToken);
        if (existing.Count == 1)
        {
            return new RefundCreation(RefundCreationKind.Exists, existing[0]);
        }

        var payments = await ReadPaymentsAsync(connection, transaction, "WHERE id = $id", 1, c => c.Parameters.AddWithValue("$id", Blob.From(draft.PaymentId)), cancellationToken);
        if (payments.Count == 0)
        {
            return new RefundCreation(RefundCreationKind.PaymentNotFound, null);
        }

        UInt128 buy = UInt128.Zero, sell = UInt128.Zero, fee = UInt128.Zero;
        await using (var earlier = NewCommand(
            connection,
            transaction,
            "SELECT stage, buy_amount, sell_amount, fee_amount FROM refunds WHERE payment_id = $payment AND stage <> 3"))
        {
            earlier.Parameters.AddWithValue("$payment", Blob.From(draft.PaymentId));
            await using var reader = await earlier.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if ((PaymentStage)reader.GetInt64(0) == PaymentStage.Received)
                {
                    return new RefundCreation(RefundCreationKind.InProgress, null);
                }

                buy = SaturatingAdd(buy, Blob.ToUInt128((byte[])reader[1]));
                sell = SaturatingAdd(sell, Blob.ToUInt128((byte[])reader[2]));
                fee = SaturatingAdd(fee, Blob.ToUInt128((byte[])reader[3]));
            }
        }

        if (share(payments[0], new RefundTotals(buy, sell, fee)) is not { } shared)
        {
            return new RefundCreation(RefundCreationKind.Exceeds, null);
        }

        var createdAt = new DateTimeOffset(draft.CreatedAt.UtcTicks, TimeSpan.Zero);
        var refund = new Refund(
            draft.Id, draft.PaymentId, draft.RequestedBy, draft.BuyAmount, shared.SellAmount, shared.FeeAmount, draft.Reference, PaymentStage.Received, null, createdAt, createdAt);
        await using (var insert = NewCommand(connection, transaction, $"""
            INSERT INTO refunds ({RefundColumns})
            VALUES ($id, $payment, $requestedBy, $buyAmount, $sellAmount, $feeAmount, $reference, $stage, NULL, $createdAt, $createdAt)
            """))
        {
            insert.Parameters.AddWithValue("$id", Blob.From(refund.Id));
            insert.Parameters.AddWithValue("$payment", Blob.From(refund.PaymentId));
            insert.Parameters.AddWithValue("$requestedBy", Blob.From(refund.RequestedBy));
            insert.Parameters.AddWithValue("$buyAmount", Blob.From(refund.BuyAmount));
            insert.Parameters.AddWithValue("$sellAmount", Blob.From(refund.SellAmount));
            insert.Parameters.AddWithValue("$feeAmount", Blob.From(refund.FeeAmount));
            insert.Parameters.AddWithValue("$reference", Blob.From(refund.Reference));
            insert.Parameters.AddWithValue("$stage", (long)PaymentStage.Received);
            insert.Parameters.AddWithValue("$createdAt", createdAt.UtcTicks);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
        return new RefundCreation(RefundCreationKind.Created, refund);
    }

    public async ValueTask<Refund?> GetRefundAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var found = await ReadRefundsAsync(connection, null, "WHERE id = $id", 1, c => c.Parameters.AddWithValue("$id", Blob.From(id)), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Refund>> ListRefundsAsync(UInt128 paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await ReadRefundsAsync(connection, null, "WHERE payment_id = $payment", null, c => c.Parameters.AddWithValue("$payment", Blob.From(paymentId)), cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Refund>> ListUnfinishedRefundsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PaymentQuery.LimitMax);
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await ReadRefundsAsync(connection, null, "WHERE stage = 0 AND created_at < $before", limit, c => c.Parameters.AddWithValue("$before", createdBefore.UtcTicks), cancellationToken);
    }

    public async ValueTask<bool> TryAdvanceRefundAsync(UInt128 refundId, PaymentStage stage, string? failureReason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var from = RefundStagesBefore(stage, failureReason);
        if (from is null)
        {
            return false;
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var update = NewCommand(
            connection,
            null,
            $"UPDATE refunds SET stage = $stage, failure_reason = $reason, updated_at = $at WHERE id = $id AND stage IN ({from})");
        update.Parameters.AddWithValue("$id", Blob.From(refundId));
        update.Parameters.AddWithValue("$stage", (long)stage);
        update.Parameters.AddWithValue("$reason", stage == PaymentStage.Failed ? failureReason : DBNull.Value);
        update.Parameters.AddWithValue("$at", at.UtcTicks);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// The stages a payment may move to <paramref name="stage"/> from, as an SQL list; null when no move
    /// there is allowed. Committed and Resolved are reached from any lower stage and from Failed (the
    /// ledger's legs exist, so the ledger wins); Failed only from Received.
    /// </summary>
    private static string? PaymentStagesBefore(PaymentStage stage, string? failureReason)
    {
        switch (stage)
        {
            case PaymentStage.Received:
                return null;
            case PaymentStage.Committed:
                return $"{(int)PaymentStage.Received}, {(int)PaymentStage.Failed}";
            case PaymentStage.Resolved:
                return $"{(int)PaymentStage.Received}, {(int)PaymentStage.Committed}, {(int)PaymentStage.Failed}";
            case PaymentStage.Failed:
                ArgumentException.ThrowIfNullOrEmpty(failureReason);
                return $"{(int)PaymentStage.Received}";
            default:
                throw new ArgumentOutOfRangeException(nameof(stage), stage, "Not a payment stage.");
        }
    }

    /// <summary>As <see cref="PaymentStagesBefore"/>, for a refund: Committed is its last stage.</summary>
    private static string? RefundStagesBefore(PaymentStage stage, string? failureReason) =>
        stage == PaymentStage.Resolved ? null : PaymentStagesBefore(stage, failureReason);

    private static Payment NewPayment(PaymentDraft draft, RiskAssessment assessment)
    {
        if (assessment is null || assessment.Decisions is null || !Enum.IsDefined(assessment.Outcome))
        {
            throw new InvalidOperationException("The risk assessment is incomplete: it needs an outcome and its decisions.");
        }

        var createdAt = new DateTimeOffset(draft.CreatedAt.UtcTicks, TimeSpan.Zero);
        return new Payment(
            draft.Id,
            draft.ParticipantId,
            draft.QuoteId,
            draft.DebtorAccountId,
            draft.CreditorAccountId,
            draft.LiquiditySellAccountId,
            draft.LiquidityBuyAccountId,
            draft.FeeAccountId,
            draft.SellLedger,
            draft.BuyLedger,
            draft.SellAmount,
            draft.BuyAmount,
            draft.FeeAmount,
            draft.RateNumerator,
            draft.RateDenominator,
            draft.Reference,
            assessment.Outcome,
            assessment.Reason,
            [.. assessment.Decisions],
            OperatorAction.None,
            PaymentStage.Received,
            null,
            createdAt,
            createdAt);
    }

    private static void BindPayment(SqliteCommand command, Payment payment)
    {
        command.Parameters.AddWithValue("$id", Blob.From(payment.Id));
        command.Parameters.AddWithValue("$participant", Blob.From(payment.ParticipantId));
        command.Parameters.AddWithValue("$quote", Blob.From(payment.QuoteId));
        command.Parameters.AddWithValue("$debtor", Blob.From(payment.DebtorAccountId));
        command.Parameters.AddWithValue("$creditor", Blob.From(payment.CreditorAccountId));
        command.Parameters.AddWithValue("$liquiditySell", Blob.From(payment.LiquiditySellAccountId));
        command.Parameters.AddWithValue("$liquidityBuy", Blob.From(payment.LiquidityBuyAccountId));
        command.Parameters.AddWithValue("$feeAccount", Blob.From(payment.FeeAccountId));
        command.Parameters.AddWithValue("$sellLedger", (long)payment.SellLedger);
        command.Parameters.AddWithValue("$buyLedger", (long)payment.BuyLedger);
        command.Parameters.AddWithValue("$sellAmount", Blob.From(payment.SellAmount));
        command.Parameters.AddWithValue("$buyAmount", Blob.From(payment.BuyAmount));
        command.Parameters.AddWithValue("$feeAmount", Blob.From(payment.FeeAmount));
        command.Parameters.AddWithValue("$rateNumerator", Blob.From(payment.RateNumerator));
        command.Parameters.AddWithValue("$rateDenominator", Blob.From(payment.RateDenominator));
        command.Parameters.AddWithValue("$reference", Blob.From(payment.Reference));
        command.Parameters.AddWithValue("$riskOutcome", (long)payment.RiskOutcome);
        command.Parameters.AddWithValue("$riskReason", (object?)payment.RiskReason ?? DBNull.Value);
        command.Parameters.AddWithValue("$operatorAction", (long)payment.OperatorAction);
        command.Parameters.AddWithValue("$stage", (long)payment.Stage);
        command.Parameters.AddWithValue("$failureReason", (object?)payment.FailureReason ?? DBNull.Value);
        command.Parameters.AddWithValue("$createdAt", payment.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updatedAt", payment.UpdatedAt.UtcTicks);
    }

    /// <summary>Appends a decision to a payment's list: at <paramref name="seq"/>, or after the last one when null.</summary>
    private static async Task InsertDecisionAsync(
        SqliteConnection connection, SqliteTransaction transaction, UInt128 paymentId, int? seq, RiskDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        await using var insert = NewCommand(connection, transaction, """
            INSERT INTO payment_decisions (payment_id, seq, rule, outcome, reason, detail, at)
            SELECT $payment, coalesce($seq, coalesce(max(seq), 0) + 1), $rule, $outcome, $reason, $detail, $at FROM payment_decisions WHERE payment_id = $payment
            """);
        insert.Parameters.AddWithValue("$payment", Blob.From(paymentId));
        insert.Parameters.AddWithValue("$seq", seq is { } s ? (long)s : DBNull.Value);
        insert.Parameters.AddWithValue("$rule", decision.Rule);
        insert.Parameters.AddWithValue("$outcome", (long)decision.Outcome);
        insert.Parameters.AddWithValue("$reason", decision.Reason);
        insert.Parameters.AddWithValue("$detail", decision.Detail);
        insert.Parameters.AddWithValue("$at", decision.At.UtcTicks);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Payments with their decisions, in (created_at, id) order, in one statement (so from one snapshot):
    /// the page is chosen first, then joined with its decisions in seq order.
    /// </summary>
    private static async Task<List<Payment>> ReadPaymentsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, int limit, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = NewCommand(connection, transaction, $"""
            WITH p AS (SELECT {PaymentColumns} FROM payments {where} ORDER BY created_at, id LIMIT $limit)
            SELECT p.*, d.seq, d.rule, d.outcome, d.reason, d.detail, d.at FROM p
            LEFT JOIN payment_decisions d ON d.payment_id = p.id
            ORDER BY p.created_at, p.id, d.seq
            """);
        command.Parameters.AddWithValue("$limit", (long)limit);
        bind(command);
        var payments = new List<Payment>();
        List<RiskDecision>? decisions = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = Blob.ToUInt128((byte[])reader[0]);
            if (payments.Count == 0 || payments[^1].Id != id)
            {
                decisions = [];
                payments.Add(new Payment(
                    id,
                    Blob.ToUInt128((byte[])reader[1]),
                    Blob.ToUInt128((byte[])reader[2]),
                    Blob.ToUInt128((byte[])reader[3]),
                    Blob.ToUInt128((byte[])reader[4]),
                    Blob.ToUInt128((byte[])reader[5]),
                    Blob.ToUInt128((byte[])reader[6]),
                    Blob.ToUInt128((byte[])reader[7]),
                    checked((uint)reader.GetInt64(8)),
                    checked((uint)reader.GetInt64(9)),
                    Blob.ToUInt128((byte[])reader[10]),
                    Blob.ToUInt128((byte[])reader[11]),
                    Blob.ToUInt128((byte[])reader[12]),
                    Blob.ToUInt128((byte[])reader[13]),
                    Blob.ToUInt128((byte[])reader[14]),
                    Blob.ToUInt128((byte[])reader[15]),
                    (RiskOutcome)reader.GetInt64(16),
                    reader.IsDBNull(17) ? null : reader.GetString(17),
                    decisions,
                    (OperatorAction)reader.GetInt64(18),
                    (PaymentStage)reader.GetInt64(19),
                    reader.IsDBNull(20) ? null : reader.GetString(20),
                    At(reader.GetInt64(21)),
                    At(reader.GetInt64(22))));
            }

            if (!reader.IsDBNull(23))
            {
                decisions!.Add(new RiskDecision(reader.GetString(24), (RiskOutcome)reader.GetInt64(25), reader.GetString(26), reader.GetString(27), At(reader.GetInt64(28))));
            }
        }

        return payments;
    }

    private static async Task<List<Refund>> ReadRefundsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, int? limit, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = NewCommand(
            connection,
            transaction,
            $"SELECT {RefundColumns} FROM refunds {where} ORDER BY created_at, id" + (limit.HasValue ? " LIMIT $limit" : string.Empty));
        if (limit is { } l)
        {
            command.Parameters.AddWithValue("$limit", (long)l);
        }

        bind(command);
        return await ReadAllAsync(command, static reader => new Refund(
            Blob.ToUInt128((byte[])reader[0]),
            Blob.ToUInt128((byte[])reader[1]),
            Blob.ToUInt128((byte[])reader[2]),
            Blob.ToUInt128((byte[])reader[3]),
            Blob.ToUInt128((byte[])reader[4]),
            Blob.ToUInt128((byte[])reader[5]),
            Blob.ToUInt128((byte[])reader[6]),
            (PaymentStage)reader.GetInt64(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            At(reader.GetInt64(9)),
            At(reader.GetInt64(10))), cancellationToken);
    }

    private static async Task<RiskProfile?> ReadRiskProfileAsync(
        SqliteConnection connection, SqliteTransaction transaction, UInt128 participantId, CancellationToken cancellationToken)
    {
        var id = Blob.From(participantId);
        uint? window, countMax;
        DateTimeOffset updatedAt;
        await using (var profile = NewCommand(
            connection,
            transaction,
            "SELECT velocity_window_seconds, velocity_count_max, updated_at FROM risk_profiles WHERE participant_id = $id"))
        {
            profile.Parameters.AddWithValue("$id", id);
            await using var reader = await profile.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            window = reader.IsDBNull(0) ? null : checked((uint)reader.GetInt64(0));
            countMax = reader.IsDBNull(1) ? null : checked((uint)reader.GetInt64(1));
            updatedAt = At(reader.GetInt64(2));
        }

        await using var limits = NewCommand(
            connection,
            transaction,
            "SELECT ledger, single_payment_max, daily_outflow_max FROM risk_currency_limits WHERE participant_id = $id ORDER BY ordinal");
        limits.Parameters.AddWithValue("$id", id);
        var currencyLimits = await ReadAllAsync(limits, static reader => new CurrencyLimit(
            checked((uint)reader.GetInt64(0)),
            reader.IsDBNull(1) ? null : Blob.ToUInt128((byte[])reader[1]),
            reader.IsDBNull(2) ? null : Blob.ToUInt128((byte[])reader[2])), cancellationToken);
        if (window is null)
        {
            return new RiskProfile(currencyLimits, null, updatedAt);
        }

        await using var values = NewCommand(
            connection,
            transaction,
            "SELECT ledger, value_max FROM risk_velocity_values WHERE participant_id = $id ORDER BY ordinal");
        values.Parameters.AddWithValue("$id", id);
        var valueLimits = await ReadAllAsync(values, static reader => new VelocityValueLimit(
            checked((uint)reader.GetInt64(0)),
            Blob.ToUInt128((byte[])reader[1])), cancellationToken);
        return new RiskProfile(currencyLimits, new VelocityRule(window.Value, countMax, valueLimits), updatedAt);
    }

    private static FxRateEntry ReadFxRate(SqliteDataReader reader) => new(
        checked((uint)reader.GetInt64(0)),
        checked((uint)reader.GetInt64(1)),
        new FxDecimal(Blob.ToUInt128((byte[])reader[2]), checked((byte)reader.GetInt64(3))),
        checked((ushort)reader.GetInt64(4)),
        At(reader.GetInt64(5)));

    private static FxCurrencySetup ReadFxCurrency(SqliteDataReader reader) => new(
        checked((uint)reader.GetInt64(0)),
        Blob.ToUInt128((byte[])reader[1]),
        Blob.ToUInt128((byte[])reader[2]),
        checked((ushort)reader.GetInt64(3)),
        Blob.ToUInt128((byte[])reader[4]),
        At(reader.GetInt64(5)));

    private static FxQuote ReadQuote(SqliteDataReader reader) => new(
        Blob.ToUInt128((byte[])reader[0]),
        Blob.ToUInt128((byte[])reader[1]),
        checked((uint)reader.GetInt64(2)),
        checked((uint)reader.GetInt64(3)),
        Blob.ToUInt128((byte[])reader[4]),
        Blob.ToUInt128((byte[])reader[5]),
        Blob.ToUInt128((byte[])reader[6]),
        new FxDecimal(Blob.ToUInt128((byte[])reader[7]), checked((byte)reader.GetInt64(8))),
        reader.GetInt64(9) != 0,
        checked((ushort)reader.GetInt64(10)),
        Blob.ToUInt128((byte[])reader[11]),
        Blob.ToUInt128((byte[])reader[12]),
        At(reader.GetInt64(13)),
        At(reader.GetInt64(14)));

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static SqliteCommand NewCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static object NullableBlob(UInt128? value) => value is { } v ? Blob.From(v) : DBNull.Value;

    private static DateTimeOffset At(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static UInt128 SaturatingAdd(UInt128 a, UInt128 b) => UInt128.MaxValue - a < b ? UInt128.MaxValue : a + b;

    /// <summary>
    /// Adds a participant's earlier payments (those that count: not rejected) up into the
    /// <see cref="PaymentActivity"/> a new payment is assessed against, saturating at each type's maximum
    /// rather than wrapping. Outflow counts payments in the draft's sell currency since 00:00 UTC of its
    /// day; the window (only with a velocity rule) counts payments created after draft time − window.
    /// </summary>
    private sealed class ActivityTally(PaymentDraft draft, VelocityRule? velocity)
    {
        // UTC ticks count from midnight, so a day starts at a multiple of TicksPerDay. A window is at most
        // uint.MaxValue seconds (4.3e16 ticks), far inside a long.
        private readonly long dayStart = draft.CreatedAt.UtcTicks - (draft.CreatedAt.UtcTicks % TimeSpan.TicksPerDay);
        private readonly long? windowStart = velocity is null ? null : draft.CreatedAt.UtcTicks - (velocity.WindowSeconds * TimeSpan.TicksPerSecond);
        private UInt128 outflowToday;
        private uint countInWindow;
        private UInt128 valueInWindow;

        /// <summary>The earliest created_at that can count in either sum.</summary>
        public long ScanFrom => windowStart is { } start ? Math.Min(dayStart, start + 1) : dayStart;

        public PaymentActivity Activity => new(outflowToday, countInWindow, valueInWindow);

        public void Add(uint sellLedger, UInt128 sellAmount, UInt128 feeAmount, long createdAt)
        {
            var sameCurrency = sellLedger == draft.SellLedger;
            if (sameCurrency && createdAt >= dayStart)
            {
                outflowToday = SaturatingAdd(outflowToday, SaturatingAdd(sellAmount, feeAmount));
            }

            if (windowStart is { } start && createdAt > start)
            {
                countInWindow = countInWindow == uint.MaxValue ? uint.MaxValue : countInWindow + 1;
                if (sameCurrency)
                {
                    valueInWindow = SaturatingAdd(valueInWindow, sellAmount);
                }
            }
        }
    }
}
