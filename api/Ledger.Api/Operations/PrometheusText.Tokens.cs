using System.Text;
using Ledger.Core.Payouts;
using Ledger.Silo.Escrows;
using Ledger.Silo.Payouts;

namespace Ledger.Api.Operations;

/// <summary>The payout counters /metrics shows: requests on this node, and the silo pipeline's when this node runs one.</summary>
public sealed record PayoutCounters(PayoutRequestMetricsSnapshot Requests, PayoutMetricsSnapshot? Pipeline);

public static partial class PrometheusText
{
    private static void AppendPayouts(StringBuilder text, PayoutCounters payouts)
    {
        var requests = payouts.Requests;
        LabelledCounter(
            text,
            "ledger_payout_requests_total",
            "Payout requests this node answered, by outcome: created (recorded and held), refused (a check failed; nothing changed), refused_by_ledger (the hold was refused; the payout is failed), replay (answered with the stored payout).",
            "outcome",
            ("created", requests.Created),
            ("refused", requests.RefusedByRule),
            ("refused_by_ledger", requests.RefusedByLedger),
            ("replay", requests.Replays));
        if (payouts.Pipeline is not { } pipeline)
        {
            return;
        }

        LabelledCounter(
            text,
            "ledger_payouts_total",
            "Payouts this node's silo moved to a final state: confirmed (paid on chain; the hold posted) or failed (the hold voided; funds back).",
            "state",
            ("confirmed", pipeline.PayoutsConfirmed),
            ("failed", pipeline.PayoutsFailed));
        LabelledCounter(
            text,
            "ledger_payout_batches_total",
            "PayoutBatcher batches this node's silo opened, saw final, or saw fail.",
            "state",
            ("opened", pipeline.BatchesOpened),
            ("final", pipeline.BatchesFinal),
            ("failed", pipeline.BatchesFailed));
        Counter(text, "ledger_payouts_denied_total", "Pending payouts failed because their destination was put on the deny list after the request.", pipeline.PayoutsDenied);
        Counter(text, "ledger_payout_treasury_shortfalls_total", "Rounds that left payouts waiting because the treasury's token balance was short.", pipeline.TreasuryShortfallWaits);
        Counter(text, "ledger_payout_stranded_holds_voided_total", "Holds of failed payouts a crash left pending, voided by the sweep.", pipeline.StrandedHoldsVoided);
    }

    private static void AppendEscrows(StringBuilder text, EscrowMetricsSnapshot escrows)
    {
        LabelledCounter(
            text,
            "ledger_escrows_total",
            "Escrows this node's silo saw reach a state on chain: opened, released, refunded, or failed (never opened; the mirror voided).",
            "state",
            ("opened", escrows.EscrowsOpened),
            ("released", escrows.EscrowsReleased),
            ("refunded", escrows.EscrowsRefunded),
            ("failed", escrows.EscrowsFailed));
        Counter(text, "ledger_escrow_events_not_applied_total", "Escrow events of ours left alone because their fields disagree with the record (each is a reconciliation mismatch).", escrows.EventsNotApplied);
        Counter(text, "ledger_reconciliation_runs_total", "Reconciliations of escrows, payouts and the treasury against the chain this node's silo recorded.", escrows.ReconciliationRuns);
        Gauge(text, "ledger_reconciliation_mismatches", "Mismatches in the last reconciliation this node's silo recorded (0: chain and ledger agree).", escrows.LastReconciliationMismatches);
    }
}
