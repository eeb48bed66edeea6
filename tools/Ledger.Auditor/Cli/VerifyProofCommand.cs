using System.CommandLine;
using Ledger.Auditor.Api;
using Ledger.Auditor.Checks;
using Ledger.Auditor.Proofs;
using Ledger.Auditor.Reporting;

namespace Ledger.Auditor.Cli;

/// <summary>
/// verify-proof &lt;file or URL&gt; --rpc &lt;url&gt;: runs every check of PROOFS.md on one inclusion proof, reports
/// each by name, and exits 0 only when all pass (1 otherwise, after running all of them).
/// </summary>
internal static class VerifyProofCommand
{
    public static Command Create()
    {
        var proof = new Argument<string>("proof") { Description = "The proof JSON: a file, or an http(s) URL such as {api}/v1/proofs/transfers/{id}." };
        var rpc = CommonOptions.Url("--rpc", "Ethereum JSON-RPC endpoint of the anchor's chain.");
        var confirmations = CommonOptions.Confirmations();
        var apiKey = CommonOptions.ApiKey();
        var json = new Option<bool>("--json") { Description = "Write the report as JSON." };
        var command = new Command("verify-proof", "Check an inclusion proof against PROOFS.md and the chain.") { proof, rpc, confirmations, apiKey, json };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.InvocationConfiguration.Output,
            parse.GetRequiredValue(proof),
            parse.GetRequiredValue(rpc),
            parse.GetValue(confirmations),
            ApiHttp.ResolveKey(parse.GetValue(apiKey)),
            parse.GetValue(json),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        TextWriter output, string location, Uri rpc, int confirmations, string? apiKey, bool json, CancellationToken cancellationToken)
    {
        IReadOnlyList<CheckResult> results;
        try
        {
            var document = ProofDocument.Parse(await ProofSource.ReadAsync(location, apiKey, cancellationToken));
            results = await ProofVerifier.VerifyAsync(document, rpc, confirmations, cancellationToken);
        }
        catch (Exception exception) when (exception is ProofSourceException or FormatException)
        {
            results = [CheckResult.Fail(CheckNames.ProofDocument, exception.Message)];
        }

        if (json)
        {
            CheckReportWriter.WriteJson(output, results);
        }
        else
        {
            CheckReportWriter.WriteText(output, results);
        }

        return results.All(r => r.Status == CheckStatus.Passed) ? ExitCodes.Verified : ExitCodes.NotVerified;
    }
}
