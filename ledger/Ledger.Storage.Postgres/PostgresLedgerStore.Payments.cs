using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// FX configuration, quotes, risk profiles, payments and refunds, in the same database as the ledger,
/// shared by every node. A payment's creation runs in one transaction that first takes the participant's
/// advisory lock (<see cref="AdvisoryLocks.Participant"/>), so one participant's creations are serialised
/// across the cluster and each sees every earlier one; the quote's row is locked before it is checked,
/// so two participants cannot use one quote. A refund's creation locks its payment's row first. Stage
/// moves are compare-and-set in the UPDATE's WHERE.
/// </summary>
public sealed partial class PostgresLedgerStore : IPaymentStore
{
    private const string PaymentColumns =
        "id, participant_id, quote_id, debtor_account_id, creditor_account_id, liquidity_sell_account_id, liquidity_buy_account_id, fee_account_id, " +
        "sell_ledger, buy_ledger, sell_amount, buy_amount, fee_amount, rate_numerator, rate_denominator, reference, " +
        "risk_outcome, risk_reason, operator_action, stage, failure_reason, created_at_ticks, updated_at_ticks";

    private const string RefundColumns =
        "id, payment_id, requested_by, buy_amount, sell_amount, fee_amount, reference, stage, failure_reason, created_at_ticks, updated_at_ticks";

    private const string QuoteColumns =
        "id, participant_id, sell_ledger, buy_ledger, sell_amount, buy_amount, fee_amount, mid_mantissa, mid_scale, inverted, spread_bps, " +
        "rate_numerator, rate_denominator, created_at_ticks, expires_at_ticks";

    private const string FxRateColumns = "base_ledger, quote_ledger, mantissa, scale, spread_bps, updated_at_ticks";

    private const string FxCurrencyColumns = "ledger, liquidity_account_id, fee_account_id, fee_bps, fee_minimum, updated_at_ticks";

    // A payment counts in a participant's activity unless it was rejected: by the risk rules, by the
    // ledger (Failed) or by the operator. Held payments count.
    private const string CountsInActivity = "risk_outcome <> 3 AND stage <> 3 AND operator_action <> 2";

    // Awaiting review: held, no operator action yet, not Failed (the partial index's WHERE).
    private const string AwaitingReview = "risk_outcome = 2 AND operator_action = 0 AND stage <> 3";

    // A profile and its two lists in one statement, so from one snapshot: kind 0 is the profile row, 1 a
    // currency limit, 2 a velocity value limit, each list in its order. With two ids (a participant's and
    // the default's) the participant's rows come first.
    private const string RiskProfileSql = """
        SELECT participant_id, 0 AS kind, 0 AS ordinal, velocity_window_seconds, velocity_count_max, updated_at_ticks, NULL::bytea, NULL::bytea
            FROM risk_profiles WHERE participant_id = ANY($1)
        UNION ALL
        SELECT participant_id, 1, ordinal, ledger, NULL, NULL, single_payment_max, daily_outflow_max
            FROM risk_currency_limits WHERE participant_id = ANY($1)
        UNION ALL
        SELECT participant_id, 2, ordinal, ledger, NULL, NULL, value_max, NULL
            FROM risk_velocity_values WHERE participant_id = ANY($1)
        ORDER BY 1 DESC, 2, 3
        """;

    public async ValueTask SetFxRateAsync(FxRateEntry rate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rate);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO fx_rates ({FxRateColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (base_ledger, quote_ledger) DO UPDATE SET
                mantissa = excluded.mantissa, scale = excluded.scale, spread_bps = excluded.spread_bps, updated_at_ticks = excluded.updated_at_ticks
            """);
        command.Parameters.Add(PostgresRows.BigInt(rate.BaseLedger));
        command.Parameters.Add(PostgresRows.BigInt(rate.QuoteLedger));
        command.Parameters.Add(PostgresRows.Id(rate.Rate.Mantissa));
        command.Parameters.Add(PostgresRows.SmallInt(rate.Rate.Scale));
        command.Parameters.Add(PostgresRows.Integer(rate.SpreadBps));
        command.Parameters.Add(PostgresRows.BigInt(rate.UpdatedAt.UtcTicks));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxRateEntry?> GetFxRateAsync(uint baseLedger, uint quoteLedger, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {FxRateColumns} FROM fx_rates WHERE base_ledger = $1 AND quote_ledger = $2");
        command.Parameters.Add(PostgresRows.BigInt(baseLedger));
        command.Parameters.Add(PostgresRows.BigInt(quoteLedger));
        var found = await ReadAllAsync(command, ReadFxRate, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<FxRateEntry>> ListFxRatesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {FxRateColumns} FROM fx_rates ORDER BY base_ledger, quote_ledger");
        return await ReadAllAsync(command, ReadFxRate, cancellationToken);
    }

    public async ValueTask SetFxCurrencyAsync(FxCurrencySetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO fx_currencies ({FxCurrencyColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (ledger) DO UPDATE SET
                liquidity_account_id = excluded.liquidity_account_id, fee_account_id = excluded.fee_account_id,
                fee_bps = excluded.fee_bps, fee_minimum = excluded.fee_minimum, updated_at_ticks = excluded.updated_at_ticks
            """);
        command.Parameters.Add(PostgresRows.BigInt(setup.Ledger));
        command.Parameters.Add(PostgresRows.Id(setup.LiquidityAccountId));
        command.Parameters.Add(PostgresRows.Id(setup.FeeAccountId));
        command.Parameters.Add(PostgresRows.Integer(setup.FeeBps));
        command.Parameters.Add(PostgresRows.Id(setup.FeeMinimum));
        command.Parameters.Add(PostgresRows.BigInt(setup.UpdatedAt.UtcTicks));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxCurrencySetup?> GetFxCurrencyAsync(uint ledger, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {FxCurrencyColumns} FROM fx_currencies WHERE ledger = $1");
        command.Parameters.Add(PostgresRows.BigInt(ledger));
        var found = await ReadAllAsync(command, ReadFxCurrency, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<FxCurrencySetup>> ListFxCurrenciesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {FxCurrencyColumns} FROM fx_currencies ORDER BY ledger");
        return await ReadAllAsync(command, ReadFxCurrency, cancellationToken);
    }

    public async ValueTask AddQuoteAsync(FxQuote quote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO fx_quotes ({QuoteColumns}, payment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL)");
        command.Parameters.Add(PostgresRows.Id(quote.Id));
        command.Parameters.Add(PostgresRows.Id(quote.ParticipantId));
        command.Parameters.Add(PostgresRows.BigInt(quote.SellLedger));
        command.Parameters.Add(PostgresRows.BigInt(quote.BuyLedger));
        command.Parameters.Add(PostgresRows.Id(quote.SellAmount));
        command.Parameters.Add(PostgresRows.Id(quote.BuyAmount));
        command.Parameters.Add(PostgresRows.Id(quote.FeeAmount));
        command.Parameters.Add(PostgresRows.Id(quote.MidRate.Mantissa));
        command.Parameters.Add(PostgresRows.SmallInt(quote.MidRate.Scale));
        command.Parameters.Add(new NpgsqlParameter<bool> { NpgsqlDbType = NpgsqlDbType.Boolean, TypedValue = quote.Inverted });
        command.Parameters.Add(PostgresRows.Integer(quote.SpreadBps));
        command.Parameters.Add(PostgresRows.Id(quote.RateNumerator));
        command.Parameters.Add(PostgresRows.Id(quote.RateDenominator));
        command.Parameters.Add(PostgresRows.BigInt(quote.CreatedAt.UtcTicks));
        command.Parameters.Add(PostgresRows.BigInt(quote.ExpiresAt.UtcTicks));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<FxQuote?> GetQuoteAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {QuoteColumns} FROM fx_quotes WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        var found = await ReadAllAsync(command, ReadQuote, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<UInt128?> GetQuotePaymentAsync(UInt128 quoteId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT payment_id FROM fx_quotes WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(quoteId));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] paymentId ? PostgresRows.ToUInt128(paymentId) : null;
    }

    public async ValueTask SetRiskProfileAsync(UInt128 participantId, RiskProfile? profile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The participant's lock: a profile changes between two of its payment creations, never during
        // one, and two changes of one profile cannot interleave their deletes and inserts.
        await LockParticipantAsync(connection, transaction, participantId, cancellationToken);
        await using (var delete = new NpgsqlCommand(
            """
            WITH limits AS (DELETE FROM risk_currency_limits WHERE participant_id = $1),
                 velocity_values AS (DELETE FROM risk_velocity_values WHERE participant_id = $1)
            DELETE FROM risk_profiles WHERE participant_id = $1
            """,
            connection,
            transaction))
        {
            delete.Parameters.Add(PostgresRows.Id(participantId));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (profile is not null)
        {
            ArgumentNullException.ThrowIfNull(profile.Limits);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO risk_profiles (participant_id, velocity_window_seconds, velocity_count_max, updated_at_ticks) VALUES ($1, $2, $3, $4)",
                connection,
                transaction))
            {
                insert.Parameters.Add(PostgresRows.Id(participantId));
                insert.Parameters.Add(NullableBigInt(profile.Velocity?.WindowSeconds));
                insert.Parameters.Add(NullableBigInt(profile.Velocity?.CountMax));
                insert.Parameters.Add(PostgresRows.BigInt(profile.UpdatedAt.UtcTicks));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (profile.Limits.Count > 0)
            {
                await using var limits = new NpgsqlCommand(
                    """
                    INSERT INTO risk_currency_limits (participant_id, ordinal, ledger, single_payment_max, daily_outflow_max)
                    SELECT $1, l.ordinal - 1, l.ledger, l.single, l.daily FROM unnest($2::bigint[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS l (ledger, single, daily, ordinal)
                    """,
                    connection,
                    transaction);
                limits.Parameters.Add(PostgresRows.Id(participantId));
                limits.Parameters.Add(PostgresRows.BigIntArray([.. profile.Limits.Select(static l => (long)l.Ledger)]));
                limits.Parameters.Add(NullableByteaArray([.. profile.Limits.Select(static l => l.SinglePaymentMax)]));
                limits.Parameters.Add(NullableByteaArray([.. profile.Limits.Select(static l => l.DailyOutflowMax)]));
                await limits.ExecuteNonQueryAsync(cancellationToken);
            }

            if (profile.Velocity is { } velocity && velocity.ValueMax.Count > 0)
            {
                await using var values = new NpgsqlCommand(
                    """
                    INSERT INTO risk_velocity_values (participant_id, ordinal, ledger, value_max)
                    SELECT $1, v.ordinal - 1, v.ledger, v.value_max FROM unnest($2::bigint[], $3::bytea[]) WITH ORDINALITY AS v (ledger, value_max, ordinal)
                    """,
                    connection,
                    transaction);
                values.Parameters.Add(PostgresRows.Id(participantId));
                values.Parameters.Add(PostgresRows.BigIntArray([.. velocity.ValueMax.Select(static v => (long)v.Ledger)]));
                values.Parameters.Add(PostgresRows.ByteaArray([.. velocity.ValueMax.Select(static v => PostgresRows.Bytes(v.ValueMax))]));
                await values.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<RiskProfile?> GetRiskProfileAsync(UInt128 participantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RiskProfileSql);
        command.Parameters.Add(PostgresRows.IdArray([participantId]));
        return await ReadRiskProfileAsync(command, cancellationToken);
    }

    public async ValueTask<PaymentCreation> CreatePaymentAsync(
        PaymentDraft draft,
        Func<RiskProfile?, PaymentActivity, RiskAssessment> assess,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(assess);
        try
        {
            return await CreatePaymentOnceAsync(draft, assess, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Creations with one payment id for two participants take different locks; the second insert
            // fails on the primary key, and the payment that won is the answer.
            var stored = await GetPaymentAsync(draft.Id, cancellationToken);
            if (stored is null)
            {
                throw;
            }

            return new PaymentCreation(PaymentCreationKind.Exists, stored);
        }
    }

    public async ValueTask<Payment?> GetPaymentAsync(UInt128 id, CancellationToken cancellationToken)
    {
        var found = await ReadPaymentsAsync(null, null, "WHERE id = $1", 1, [PostgresRows.Id(id)], cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, PaymentQuery.LimitMax);
        var conditions = new List<string>(3);
        var parameters = new List<NpgsqlParameter>(3);
        if (query.ParticipantId is { } participant)
        {
            parameters.Add(PostgresRows.Id(participant));
            conditions.Add($"participant_id = ${parameters.Count}");
        }

        if (query.AwaitingReviewOnly)
        {
            conditions.Add(AwaitingReview);
        }

        if (query.AfterCreatedAt is { } afterAt)
        {
            parameters.Add(PostgresRows.BigInt(afterAt.UtcTicks));
            parameters.Add(PostgresRows.Id(query.AfterId));
            conditions.Add($"(created_at_ticks, id) > (${parameters.Count - 1}, ${parameters.Count})");
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        return await ReadPaymentsAsync(null, null, where, query.Limit, [.. parameters], cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payment>> ListUnfinishedPaymentsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PaymentQuery.LimitMax);

        // (Received, created before, not rejected) or (an operator action, still Committed), written as
        // the partial index's WHERE and a second term.
        return await ReadPaymentsAsync(
            null,
            null,
            "WHERE (stage = 0 OR (operator_action <> 0 AND stage = 1)) AND (stage = 1 OR (created_at_ticks < $1 AND risk_outcome <> 3))",
            limit,
            [PostgresRows.BigInt(createdBefore.UtcTicks)],
            cancellationToken);
    }

    public async ValueTask<bool> TryRecordOperatorActionAsync(UInt128 paymentId, OperatorAction action, RiskDecision decision, CancellationToken cancellationToken)
    {
        if (action is not (OperatorAction.Release or OperatorAction.Reject))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "An operator action is a release or a reject.");
        }

        ArgumentNullException.ThrowIfNull(decision);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            $"UPDATE payments SET operator_action = $2, updated_at_ticks = $3 WHERE id = $1 AND {AwaitingReview}",
            connection,
            transaction))
        {
            update.Parameters.Add(PostgresRows.Id(paymentId));
            update.Parameters.Add(PostgresRows.SmallInt((short)action));
            update.Parameters.Add(PostgresRows.BigInt(decision.At.UtcTicks));
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await AppendDecisionAsync(connection, transaction, paymentId, decision, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The UPDATE holds the payment's row until commit, so two callers racing cannot both move it, and
        // decisions appended after it are numbered one after the other.
        await using (var update = new NpgsqlCommand(
            $"UPDATE payments SET stage = $2, failure_reason = $3, updated_at_ticks = $4 WHERE id = $1 AND stage IN ({from})",
            connection,
            transaction))
        {
            update.Parameters.Add(PostgresRows.Id(paymentId));
            update.Parameters.Add(PostgresRows.SmallInt((short)stage));
            update.Parameters.Add(NullableText(stage == PaymentStage.Failed ? failureReason : null));
            update.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        if (decision is not null)
        {
            await AppendDecisionAsync(connection, transaction, paymentId, decision, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<RefundCreation> CreateRefundAsync(
        RefundDraft draft,
        Func<Payment, RefundTotals, RefundShare?> share,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(share);
        try
        {
            return await CreateRefundOnceAsync(draft, share, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Creations with one refund id for two payments lock different rows; the second insert fails
            // on the primary key, and the refund that won is the answer.
            var stored = await GetRefundAsync(draft.Id, cancellationToken);
            if (stored is null)
            {
                throw;
            }

            return new RefundCreation(RefundCreationKind.Exists, stored);
        }
    }

    public async ValueTask<Refund?> GetRefundAsync(UInt128 id, CancellationToken cancellationToken)
    {
        var found = await ReadRefundsAsync(null, null, "WHERE id = $1", 1, [PostgresRows.Id(id)], cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Refund>> ListRefundsAsync(UInt128 paymentId, CancellationToken cancellationToken) =>
        await ReadRefundsAsync(null, null, "WHERE payment_id = $1", null, [PostgresRows.Id(paymentId)], cancellationToken);

    public async ValueTask<IReadOnlyList<Refund>> ListUnfinishedRefundsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PaymentQuery.LimitMax);
        return await ReadRefundsAsync(null, null, "WHERE stage = 0 AND created_at_ticks < $1", limit, [PostgresRows.BigInt(createdBefore.UtcTicks)], cancellationToken);
    }

    public async ValueTask<bool> TryAdvanceRefundAsync(UInt128 refundId, PaymentStage stage, string? failureReason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var from = RefundStagesBefore(stage, failureReason);
        if (from is null)
        {
            return false;
        }

        await using var update = dataSource.CreateCommand(
            $"UPDATE refunds SET stage = $2, failure_reason = $3, updated_at_ticks = $4 WHERE id = $1 AND stage IN ({from})");
        update.Parameters.Add(PostgresRows.Id(refundId));
        update.Parameters.Add(PostgresRows.SmallInt((short)stage));
        update.Parameters.Add(NullableText(stage == PaymentStage.Failed ? failureReason : null));
        update.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<PaymentCreation> CreatePaymentOnceAsync(
        PaymentDraft draft, Func<RiskProfile?, PaymentActivity, RiskAssessment> assess, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Taken before the first read: every later statement of this transaction (read committed) sees
        // every creation for this participant that came before it.
        await LockParticipantAsync(connection, transaction, draft.ParticipantId, cancellationToken);

        // The quote's row is locked until commit: a creation for another participant with the same quote
        // waits here, then reads the payment id this one set. Only then is the payment id looked up, so a
        // creation that waited for one with the same id and quote (another participant's) answers Exists.
        object? quoteUse;
        await using (var quote = new NpgsqlCommand("SELECT payment_id FROM fx_quotes WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            quote.Parameters.Add(PostgresRows.Id(draft.QuoteId));
            quoteUse = await quote.ExecuteScalarAsync(cancellationToken);
        }

        var existing = await ReadPaymentsAsync(connection, transaction, "WHERE id = $1", 1, [PostgresRows.Id(draft.Id)], cancellationToken);
        if (existing.Count == 1)
        {
            return new PaymentCreation(PaymentCreationKind.Exists, existing[0]);
        }

        switch (quoteUse)
        {
            case null:
                return new PaymentCreation(PaymentCreationKind.QuoteNotFound, null);
            case byte[]:
                return new PaymentCreation(PaymentCreationKind.QuoteUsed, null);
        }

        RiskProfile? profile;
        await using (var profileCommand = new NpgsqlCommand(RiskProfileSql, connection, transaction))
        {
            profileCommand.Parameters.Add(PostgresRows.IdArray([draft.ParticipantId, UInt128.Zero]));
            profile = await ReadRiskProfileAsync(profileCommand, cancellationToken);
        }

        var tally = new ActivityTally(draft, profile?.Velocity);
        await using (var activity = new NpgsqlCommand(
            $"SELECT sell_ledger, sell_amount, fee_amount, created_at_ticks FROM payments WHERE participant_id = $1 AND created_at_ticks >= $2 AND {CountsInActivity}",
            connection,
            transaction))
        {
            activity.Parameters.Add(PostgresRows.Id(draft.ParticipantId));
            activity.Parameters.Add(PostgresRows.BigInt(tally.ScanFrom));
            await using var reader = await activity.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tally.Add(
                    checked((uint)reader.GetInt64(0)),
                    PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(1)),
                    PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(2)),
                    reader.GetInt64(3));
            }
        }

        var payment = NewPayment(draft, assess(profile, tally.Activity));
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO payments ({PaymentColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
            """,
            connection,
            transaction))
        {
            insert.Parameters.Add(PostgresRows.Id(payment.Id));
            insert.Parameters.Add(PostgresRows.Id(payment.ParticipantId));
            insert.Parameters.Add(PostgresRows.Id(payment.QuoteId));
            insert.Parameters.Add(PostgresRows.Id(payment.DebtorAccountId));
            insert.Parameters.Add(PostgresRows.Id(payment.CreditorAccountId));
            insert.Parameters.Add(PostgresRows.Id(payment.LiquiditySellAccountId));
            insert.Parameters.Add(PostgresRows.Id(payment.LiquidityBuyAccountId));
            insert.Parameters.Add(PostgresRows.Id(payment.FeeAccountId));
            insert.Parameters.Add(PostgresRows.BigInt(payment.SellLedger));
            insert.Parameters.Add(PostgresRows.BigInt(payment.BuyLedger));
            insert.Parameters.Add(PostgresRows.Id(payment.SellAmount));
            insert.Parameters.Add(PostgresRows.Id(payment.BuyAmount));
            insert.Parameters.Add(PostgresRows.Id(payment.FeeAmount));
            insert.Parameters.Add(PostgresRows.Id(payment.RateNumerator));
            insert.Parameters.Add(PostgresRows.Id(payment.RateDenominator));
            insert.Parameters.Add(PostgresRows.Id(payment.Reference));
            insert.Parameters.Add(PostgresRows.SmallInt((short)payment.RiskOutcome));
            insert.Parameters.Add(NullableText(payment.RiskReason));
            insert.Parameters.Add(PostgresRows.SmallInt((short)payment.OperatorAction));
            insert.Parameters.Add(PostgresRows.SmallInt((short)payment.Stage));
            insert.Parameters.Add(NullableText(payment.FailureReason));
            insert.Parameters.Add(PostgresRows.BigInt(payment.CreatedAt.UtcTicks));
            insert.Parameters.Add(PostgresRows.BigInt(payment.UpdatedAt.UtcTicks));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (payment.Decisions.Count > 0)
        {
            var decisions = payment.Decisions;
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO payment_decisions (payment_id, seq, rule, outcome, reason, detail, at_ticks)
                SELECT $1, d.seq, d.rule, d.outcome, d.reason, d.detail, d.at_ticks
                FROM unnest($2::text[], $3::smallint[], $4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS d (rule, outcome, reason, detail, at_ticks, seq)
                """,
                connection,
                transaction);
            insert.Parameters.Add(PostgresRows.Id(payment.Id));
            insert.Parameters.Add(TextArray([.. decisions.Select(static d => d.Rule)]));
            insert.Parameters.Add(new NpgsqlParameter<short[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, TypedValue = [.. decisions.Select(static d => (short)d.Outcome)] });
            insert.Parameters.Add(TextArray([.. decisions.Select(static d => d.Reason)]));
            insert.Parameters.Add(TextArray([.. decisions.Select(static d => d.Detail)]));
            insert.Parameters.Add(PostgresRows.BigIntArray([.. decisions.Select(static d => d.At.UtcTicks)]));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var use = new NpgsqlCommand("UPDATE fx_quotes SET payment_id = $2 WHERE id = $1 AND payment_id IS NULL", connection, transaction))
        {
            use.Parameters.Add(PostgresRows.Id(payment.QuoteId));
            use.Parameters.Add(PostgresRows.Id(payment.Id));
            if (await use.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // The quote's row is locked since the check above: nothing else can have used it.
                throw new InvalidOperationException($"Quote {payment.QuoteId} changed under its row lock.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new PaymentCreation(PaymentCreationKind.Created, payment);
    }

    private async Task<RefundCreation> CreateRefundOnceAsync(RefundDraft draft, Func<Payment, RefundTotals, RefundShare?> share, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The payment's row first: creations of its refunds wait here for each other, and every statement
        // after this one sees the refunds committed before.
        bool paymentFound;
        await using (var lockPayment = new NpgsqlCommand("SELECT 1 FROM payments WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockPayment.Parameters.Add(PostgresRows.Id(draft.PaymentId));
            paymentFound = await lockPayment.ExecuteScalarAsync(cancellationToken) is not null;
        }

        var existing = await ReadRefundsAsync(connection, transaction, "WHERE id = $1", 1, [PostgresRows.Id(draft.Id)], cancellationToken);
        if (existing.Count == 1)
        {
            return new RefundCreation(RefundCreationKind.Exists, existing[0]);
        }

        if (!paymentFound)
        {
            return new RefundCreation(RefundCreationKind.PaymentNotFound, null);
        }

        var payment = (await ReadPaymentsAsync(connection, transaction, "WHERE id = $1", 1, [PostgresRows.Id(draft.PaymentId)], cancellationToken))[0];
        UInt128 buy = UInt128.Zero, sell = UInt128.Zero, fee = UInt128.Zero;
        await using (var earlier = new NpgsqlCommand(
            "SELECT stage, buy_amount, sell_amount, fee_amount FROM refunds WHERE payment_id = $1 AND stage <> 3",
            connection,
            transaction))
        {
            earlier.Parameters.Add(PostgresRows.Id(draft.PaymentId));
            await using var reader = await earlier.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if ((PaymentStage)reader.GetInt16(0) == PaymentStage.Received)
                {
                    return new RefundCreation(RefundCreationKind.InProgress, null);
                }

                buy = SaturatingAdd(buy, PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(1)));
                sell = SaturatingAdd(sell, PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(2)));
                fee = SaturatingAdd(fee, PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(3)));
            }
        }

        if (share(payment, new RefundTotals(buy, sell, fee)) is not { } shared)
        {
            return new RefundCreation(RefundCreationKind.Exceeds, null);
        }

        var createdAt = new DateTimeOffset(draft.CreatedAt.UtcTicks, TimeSpan.Zero);
        var refund = new Refund(
            draft.Id, draft.PaymentId, draft.RequestedBy, draft.BuyAmount, shared.SellAmount, shared.FeeAmount, draft.Reference, PaymentStage.Received, null, createdAt, createdAt);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO refunds ({RefundColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $9)",
            connection,
            transaction))
        {
            insert.Parameters.Add(PostgresRows.Id(refund.Id));
            insert.Parameters.Add(PostgresRows.Id(refund.PaymentId));
            insert.Parameters.Add(PostgresRows.Id(refund.RequestedBy));
            insert.Parameters.Add(PostgresRows.Id(refund.BuyAmount));
            insert.Parameters.Add(PostgresRows.Id(refund.SellAmount));
            insert.Parameters.Add(PostgresRows.Id(refund.FeeAmount));
            insert.Parameters.Add(PostgresRows.Id(refund.Reference));
            insert.Parameters.Add(PostgresRows.SmallInt((short)PaymentStage.Received));
            insert.Parameters.Add(PostgresRows.BigInt(createdAt.UtcTicks));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new RefundCreation(RefundCreationKind.Created, refund);
    }

    private static async Task LockParticipantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UInt128 participantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", connection, transaction);
        command.Parameters.Add(PostgresRows.Integer(AdvisoryLocks.Participant));
        command.Parameters.Add(PostgresRows.Integer(AdvisoryLocks.ParticipantKey(participantId)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends a decision after the payment's last one. The caller has updated the payment's row in this transaction, so appends to one payment take turns.</summary>
    private static async Task AppendDecisionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, UInt128 paymentId, RiskDecision decision, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO payment_decisions (payment_id, seq, rule, outcome, reason, detail, at_ticks)
            SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM payment_decisions WHERE payment_id = $1
            """,
            connection,
            transaction);
        insert.Parameters.Add(PostgresRows.Id(paymentId));
        insert.Parameters.Add(PostgresRows.Text(decision.Rule));
        insert.Parameters.Add(PostgresRows.SmallInt((short)decision.Outcome));
        insert.Parameters.Add(PostgresRows.Text(decision.Reason));
        insert.Parameters.Add(PostgresRows.Text(decision.Detail));
        insert.Parameters.Add(PostgresRows.BigInt(decision.At.UtcTicks));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Payments with their decisions, in (created_at, id) order, in one statement (so from one snapshot):
    /// the page is chosen first, then joined with its decisions in seq order. The limit is the parameter
    /// after <paramref name="parameters"/>.
    /// </summary>
    private async Task<List<Payment>> ReadPaymentsAsync(
        NpgsqlConnection? connection, NpgsqlTransaction? transaction, string where, int limit, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var sql = $"""
            WITH p AS (SELECT {PaymentColumns} FROM payments {where} ORDER BY created_at_ticks, id LIMIT ${parameters.Length + 1})
            SELECT p.*, d.seq, d.rule, d.outcome, d.reason, d.detail, d.at_ticks FROM p
            LEFT JOIN payment_decisions d ON d.payment_id = p.id
            ORDER BY p.created_at_ticks, p.id, d.seq
            """;
        await using var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        command.Parameters.Add(PostgresRows.Integer(limit));
        var payments = new List<Payment>();
        List<RiskDecision>? decisions = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = Id(reader, 0);
            if (payments.Count == 0 || payments[^1].Id != id)
            {
                decisions = [];
                payments.Add(new Payment(
                    id,
                    Id(reader, 1),
                    Id(reader, 2),
                    Id(reader, 3),
                    Id(reader, 4),
                    Id(reader, 5),
                    Id(reader, 6),
                    Id(reader, 7),
                    checked((uint)reader.GetInt64(8)),
                    checked((uint)reader.GetInt64(9)),
                    Id(reader, 10),
                    Id(reader, 11),
                    Id(reader, 12),
                    Id(reader, 13),
                    Id(reader, 14),
                    Id(reader, 15),
                    (RiskOutcome)reader.GetInt16(16),
                    reader.IsDBNull(17) ? null : reader.GetString(17),
                    decisions,
                    (OperatorAction)reader.GetInt16(18),
                    (PaymentStage)reader.GetInt16(19),
                    reader.IsDBNull(20) ? null : reader.GetString(20),
                    At(reader.GetInt64(21)),
                    At(reader.GetInt64(22))));
            }

            if (!reader.IsDBNull(23))
            {
                decisions!.Add(new RiskDecision(reader.GetString(24), (RiskOutcome)reader.GetInt16(25), reader.GetString(26), reader.GetString(27), At(reader.GetInt64(28))));
            }
        }

        return payments;
    }

    /// <summary>Refunds in (created_at, id) order; the limit, when there is one, is the parameter after <paramref name="parameters"/>.</summary>
    private async Task<List<Refund>> ReadRefundsAsync(
        NpgsqlConnection? connection, NpgsqlTransaction? transaction, string where, int? limit, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var sql = $"SELECT {RefundColumns} FROM refunds {where} ORDER BY created_at_ticks, id" + (limit.HasValue ? $" LIMIT ${parameters.Length + 1}" : string.Empty);
        await using var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        if (limit is { } l)
        {
            command.Parameters.Add(PostgresRows.Integer(l));
        }

        return await ReadAllAsync(command, static reader => new Refund(
            Id(reader, 0),
            Id(reader, 1),
            Id(reader, 2),
            Id(reader, 3),
            Id(reader, 4),
            Id(reader, 5),
            Id(reader, 6),
            (PaymentStage)reader.GetInt16(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            At(reader.GetInt64(9)),
            At(reader.GetInt64(10))), cancellationToken);
    }

    /// <summary>Reads <see cref="RiskProfileSql"/>'s rows: the profile of the first participant id found (the rows are ordered by it), or null.</summary>
    private static async Task<RiskProfile?> ReadRiskProfileAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        byte[]? chosen = null;
        var found = false;
        long? window = null, countMax = null;
        long updatedAt = 0;
        var limits = new List<CurrencyLimit>();
        var values = new List<VelocityValueLimit>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var participant = reader.GetFieldValue<byte[]>(0);
                chosen ??= participant;
                if (!participant.AsSpan().SequenceEqual(chosen))
                {
                    break;
                }

                switch (reader.GetInt32(1))
                {
                    case 0:
                        found = true;
                        window = reader.IsDBNull(3) ? null : reader.GetInt64(3);
                        countMax = reader.IsDBNull(4) ? null : reader.GetInt64(4);
                        updatedAt = reader.GetInt64(5);
                        break;
                    case 1:
                        limits.Add(new CurrencyLimit(
                            checked((uint)reader.GetInt64(3)),
                            reader.IsDBNull(6) ? null : Id(reader, 6),
                            reader.IsDBNull(7) ? null : Id(reader, 7)));
                        break;
                    default:
                        values.Add(new VelocityValueLimit(checked((uint)reader.GetInt64(3)), Id(reader, 6)));
                        break;
                }
            }
        }

        if (!found)
        {
            return null;
        }

        var velocity = window is { } w ? new VelocityRule(checked((uint)w), countMax is { } c ? checked((uint)c) : null, values) : null;
        return new RiskProfile(limits, velocity, At(updatedAt));
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

    private static FxRateEntry ReadFxRate(NpgsqlDataReader reader) => new(
        checked((uint)reader.GetInt64(0)),
        checked((uint)reader.GetInt64(1)),
        new FxDecimal(Id(reader, 2), checked((byte)reader.GetInt16(3))),
        checked((ushort)reader.GetInt32(4)),
        At(reader.GetInt64(5)));

    private static FxCurrencySetup ReadFxCurrency(NpgsqlDataReader reader) => new(
        checked((uint)reader.GetInt64(0)),
        Id(reader, 1),
        Id(reader, 2),
        checked((ushort)reader.GetInt32(3)),
        Id(reader, 4),
        At(reader.GetInt64(5)));

    private static FxQuote ReadQuote(NpgsqlDataReader reader) => new(
        Id(reader, 0),
        Id(reader, 1),
        checked((uint)reader.GetInt64(2)),
        checked((uint)reader.GetInt64(3)),
        Id(reader, 4),
        Id(reader, 5),
        Id(reader, 6),
        new FxDecimal(Id(reader, 7), checked((byte)reader.GetInt16(8))),
        reader.GetBoolean(9),
        checked((ushort)reader.GetInt32(10)),
        Id(reader, 11),
        Id(reader, 12),
        At(reader.GetInt64(13)),
        At(reader.GetInt64(14)));

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static UInt128 Id(NpgsqlDataReader reader, int column) => PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(column));

    private static DateTimeOffset At(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static NpgsqlParameter NullableText(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter NullableBigInt(uint? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } v ? (long)v : DBNull.Value };

    private static NpgsqlParameter<byte[]?[]> NullableByteaArray(UInt128?[] values) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
        TypedValue = [.. values.Select(static v => v is { } x ? PostgresRows.Bytes(x) : null)],
    };

    private static NpgsqlParameter<string[]> TextArray(string[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values };

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
