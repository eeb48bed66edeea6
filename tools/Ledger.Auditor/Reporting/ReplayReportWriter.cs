using Ledger.Auditor.Replay;

namespace Ledger.Auditor.Reporting;

/// <summary>replay's report: what was covered, notes, and the first divergence or the all-clear.</summary>
internal static class ReplayReportWriter
{
    public static void Write(TextWriter output, ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine(
            $"replayed {report.Records} records in {report.Settlements} settlements; {report.AnchorsCompared} anchors compared on chain; " +
            $"{report.ConsistencyProofsVerified} consistency proofs verified against on-chain roots");
        foreach (var note in report.Notes)
        {
            output.WriteLine($"note: {note}");
        }

        output.WriteLine(report.Divergence is { } divergence
            ? $"DIVERGENCE {divergence}"
            : "no divergence: every settlement root recomputes from the records and matches its anchor");
    }
}
