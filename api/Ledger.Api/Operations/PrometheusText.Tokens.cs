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
        const string Requests = "ledger_payout_requests_total";
        text.Append("# HELP ").Append(Requests).Append(" Payout requests this node answered, by outcome: created (recorded and held), refused (a check failed; nothing changed), refused_by_ledger (the hold was refused; the payout is failed), replay (answered with the stored payout).\n");
        text.Append("# TYPE ").Append(Requests).Append(" counter\n");
        text.Append(Requests).Append("{outcome=\"created\"} ").Append(Number(requests.Created)).Append('\n');
        text.Append(Requests).Append("{outcome=\"refused\"} ").Append(Number(requests.RefusedByRule)).Append('\n');
        text.Append(Requests).Append("{outcome=\"refused_by_ledger\"} ").Append(Number(requests.RefusedByLedger)).Append('\n');
        text.Append(Requests).Append("{outcome=\"replay\"} ").Append(Number(requests.Replays)).Append('\n');
        if (payouts.Pipeline is not { } pipeline)
        {
            return;
        }

        const string States = "ledger_payouts_total";
        text.Append("# HELP ").Append(States).Append(" Payouts this node's silo moved to a final state: confirmed (paid on chain; the hold posted) or failed (the hold voided; funds back).\n");
        text.Append("# TYPE ").Append(States).Append(" counter\n");
        text.Append(States).Append("{state=\"confirmed\"} ").Append(Number(pipeline.PayoutsConfirmed)).Append('\n');
        text.Append(States).Append("{state=\"failed\"} ").Append(Number(pipeline.PayoutsFailed)).Append('\n');
        const string Batches = "ledger_payout_batches_total";
        text.Append("# HELP ").Append(Batches).Append(" PayoutBatcher batches this node's silo opened, saw final, or saw fail.\n");
        text.Append("# TYPE ").Append(Batches).Append(" counter\n");
        text.Append(Batches).Append("{state=\"opened\"} ").Append(Number(pipeline.BatchesOpened)).Append('\n');
        text.Append(Batches).Append("{state=\"final\"} ").Append(Number(pipeline.BatchesFinal)).Append('\n');
        text.Append(Batches).Append("{state=\"failed\"} ").Append(Number(pipeline.BatchesFailed)).Append('\n');
        Counter(text, "ledger_payouts_denied_total", "Pending payouts failed because their destination was put on the deny list after the request.", pipeline.PayoutsDenied);
        Counter(text, "ledger_payout_treasury_shortfalls_total", "Rounds that left payouts waiting because the treasury's token balance was short.", pipeline.TreasuryShortfallWaits);
        Counter(text, "ledger_payout_stranded_holds_voided_total", "Holds of failed payouts a crash left pending, voided by the sweep.", pipeline.StrandedHoldsVoided);
    }

    private static void AppendEscrows(StringBuilder text, EscrowMetricsSnapshot escrows)
    {
        const string States = "ledger_escrows_total";
        text.Append("# HELP ").Append(States).Append(" Escrows this node's silo saw reach a state on chain: opened, released, refunded, or failed (never opened; the mirror voided).\n");
        text.Append("# TYPE ").Append(States).Append(" counter\n");
        text.Append(States).Append("{state=\"opened\"} ").Append(Number(escrows.EscrowsOpened)).Append('\n');
        text.Append(States).Append("{state=\"released\"} ").Append(Number(escrows.EscrowsReleased)).Append('\n');
        text.Append(States).Append("{state=\"refunded\"} ").Append(Number(escrows.EscrowsRefunded)).Append('\n');
        text.Append(States).Append("{state=\"failed\"} ").Append(Number(escrows.EscrowsFailed)).Append('\n');
        Counter(text, "ledger_escrow_events_not_applied_total", "Escrow events of ours left alone because their fields disagree with the record (each is a reconciliation mismatch).", escrows.EventsNotApplied);
        Counter(text, "ledger_reconciliation_runs_total", "Reconciliations of escrows, payouts and the treasury against the chain this node's silo recorded.", escrows.ReconciliationRuns);
        Gauge(text, "ledger_reconciliation_mismatches", "Mismatches in the last reconciliation this node's silo recorded (0: chain and ledger agree).", escrows.LastReconciliationMismatches);
    }
}
