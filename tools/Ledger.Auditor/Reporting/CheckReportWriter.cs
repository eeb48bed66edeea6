using System.Text.Json;
using Ledger.Auditor.Checks;

namespace Ledger.Auditor.Reporting;

/// <summary>verify-proof's report: one PASS, FAIL or SKIP line per check and a verdict, or the same as JSON with --json.</summary>
internal static class CheckReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static void WriteText(TextWriter output, IReadOnlyList<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var width = results.Max(r => r.Name.Length);
        foreach (var result in results)
        {
            output.WriteLine($"{Label(result.Status)} {result.Name.PadRight(width)}  {result.Detail}");
        }

        var notPassed = results.Where(r => r.Status != CheckStatus.Passed).Select(r => r.Name).ToList();
        output.WriteLine(notPassed.Count == 0
            ? $"verified: all {results.Count} checks passed"
            : $"NOT verified: {notPassed.Count} of {results.Count} checks did not pass: {string.Join(", ", notPassed)}");
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var report = new
        {
            verified = results.All(r => r.Status == CheckStatus.Passed),
            failed = results.Where(r => r.Status != CheckStatus.Passed).Select(r => r.Name).ToArray(),
            checks = results.Select(r => new { name = r.Name, status = Label(r.Status).ToLowerInvariant(), detail = r.Detail }).ToArray(),
        };
        output.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
    }

    private static string Label(CheckStatus status) => status switch
    {
        CheckStatus.Passed => "PASS",
        CheckStatus.Failed => "FAIL",
        _ => "SKIP",
    };
}
