using System.Globalization;
using System.Text;
using Ledger.Core.Commit;
using Ledger.Core.Payments;
using Ledger.Silo.Escrows;
using Ledger.Silo.Leadership;

namespace Ledger.Api.Operations;

/// <summary>Renders the node's metrics in the Prometheus text exposition format, version 0.0.4.</summary>
public static partial class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <param name="election">The silo's leader election, or null on a node without a silo.</param>
    /// <param name="payments">The payment processor's counters, or null.</param>
    /// <param name="payouts">The payout counters: this node's requests, and its silo's pipeline (null on a node without a silo).</param>
    /// <param name="escrows">The silo's escrow pipeline and reconciler counters, or null on a node without a silo.</param>
    public static string Render(
        EngineMetrics engine, HttpMetrics http, LeaderElection? election = null, PaymentMetrics? payments = null, PayoutCounters? payouts = null, EscrowMetricsSnapshot? escrows = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(http);
        var text = new StringBuilder(2048);
        Counter(text, "ledger_transfers_committed_total", "Transfers committed to the log by this node.", engine.TransfersCommitted);
        Counter(text, "ledger_accounts_created_total", "Accounts created by this node.", engine.AccountsCreated);
        Counter(text, "ledger_commit_batches_total", "Commit batches (database transactions) written by this node.", engine.BatchesCommitted);
        Counter(text, "ledger_events_submitted_total", "Account and transfer events in committed batches; divided by batches, the mean batch size.", engine.EventsSubmitted);
        Counter(text, "ledger_pending_expired_total", "Pending transfers whose holds this node released on expiry.", engine.PendingExpired);

        var (cumulative, sumMs, count) = engine.LatencySnapshot();
        const string Latency = "ledger_commit_latency_ms";
        text.Append("# HELP ").Append(Latency).Append(" Time from a request entering the commit queue to its batch being durable, in milliseconds.\n");
        text.Append("# TYPE ").Append(Latency).Append(" histogram\n");
        for (var i = 0; i < cumulative.Length; i++)
        {
            var bound = i < EngineMetrics.LatencyBucketsMs.Length ? Number(EngineMetrics.LatencyBucketsMs[i]) : "+Inf";
            text.Append(Latency).Append("_bucket{le=\"").Append(bound).Append("\"} ").Append(Number(cumulative[i])).Append('\n');
        }

        text.Append(Latency).Append("_sum ").Append(Number(sumMs)).Append('\n');
        text.Append(Latency).Append("_count ").Append(Number(count)).Append('\n');

        const string Requests = "ledger_http_requests_total";
        text.Append("# HELP ").Append(Requests).Append(" HTTP responses by status code.\n");
        text.Append("# TYPE ").Append(Requests).Append(" counter\n");
        foreach (var (status, requests) in http.Snapshot())
        {
            text.Append(Requests).Append("{status=\"").Append(Number(status)).Append("\"} ").Append(Number(requests)).Append('\n');
        }

        if (payments is not null)
        {
            Counter(text, "ledger_fx_quotes_total", "FX quotes this node issued.", payments.Quotes);
            LabelledCounter(
                text,
                "ledger_payments_total",
                "New payments this node recorded, by risk verdict.",
                "verdict",
                ("accept", payments.Accepted),
                ("hold", payments.Held),
                ("reject", payments.RejectedByRisk));
            Counter(text, "ledger_payments_refused_by_ledger_total", "Payments whose legs the ledger refused (insufficient funds or FX liquidity).", payments.RejectedByLedger);
            Counter(text, "ledger_payments_released_total", "Held payments the operator released.", payments.Released);
            Counter(text, "ledger_payments_rejected_by_operator_total", "Held payments the operator rejected.", payments.RejectedByOperator);
            Counter(text, "ledger_payment_refunds_total", "Refunds whose legs this node committed.", payments.Refunds);
            Counter(text, "ledger_payments_resumed_total", "Payments and refunds this node finished after a crash left them unfinished.", payments.Resumed);
        }

        if (payouts is not null)
        {
            AppendPayouts(text, payouts);
        }

        if (escrows is not null)
        {
            AppendEscrows(text, escrows);
        }

        if (election is not null)
        {
            Gauge(text, "ledger_silo_leader", "1 while this node's silo holds the leader lease, else 0.", election.IsLeader ? 1 : 0);
            Gauge(text, "ledger_silo_lease_epoch", "The leader lease's epoch (fencing token) while this node leads, else 0.", election.Epoch);
            Counter(text, "ledger_silo_terms_total", "Leadership terms this node's silo has begun.", election.TermsBegun);
        }

        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" gauge\n");
        text.Append(name).Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>One counter with a sample per value of <paramref name="label"/>, in the order given.</summary>
    private static void LabelledCounter(StringBuilder text, string name, string help, string label, params ReadOnlySpan<(string Value, long Count)> samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (value, count) in samples)
        {
            text.Append(name).Append('{').Append(label).Append("=\"").Append(value).Append("\"} ").Append(Number(count)).Append('\n');
        }
    }

    private static void Counter(StringBuilder text, string name, string help, long value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        text.Append(name).Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
