using System.CommandLine;
using Ledger.Auditor.Api;
using Ledger.Auditor.OnChain;
using Ledger.Auditor.Replay;
using Ledger.Auditor.Reporting;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Spectre.Console;

namespace Ledger.Auditor.Cli;

/// <summary>
/// replay --api &lt;url&gt; --rpc &lt;url&gt;: downloads every record, recomputes every settlement's root, compares it
/// with the API and the contract, checks consecutive anchors for consistency, and reports the first divergence
/// (exit 1) or none (exit 0).
/// </summary>
internal static class ReplayCommand
{
    private static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var api = CommonOptions.Url("--api", "Base URL of the ledger's HTTP API (without /v1).");
        var rpc = CommonOptions.Url("--rpc", "Ethereum JSON-RPC endpoint of the chain the ledger anchors to.");
        var confirmations = CommonOptions.Confirmations();
        var apiKey = CommonOptions.ApiKey();
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar (it is off anyway when output is redirected)." };
        var pageSize = new Option<int>("--page-size")
        {
            Description = $"Records asked for per GET /v1/log/records (1..{ReplayOptions.RecordPageSizeMax}).",
            DefaultValueFactory = _ => ReplayOptions.RecordPageSizeMax,
            Validators =
            {
                result =>
                {
                    var value = result.GetValueOrDefault<int>();
                    if (value is < 1 or > ReplayOptions.RecordPageSizeMax)
                    {
                        result.AddError($"--page-size must be 1..{ReplayOptions.RecordPageSizeMax}.");
                    }
                },
            },
        };
        var command = new Command("replay", "Recompute every anchored root from the records and check the anchors on chain.")
        {
            api, rpc, confirmations, apiKey, noProgress, pageSize,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.InvocationConfiguration.Output,
            parse.GetRequiredValue(api),
            parse.GetRequiredValue(rpc),
            new ReplayOptions { Confirmations = parse.GetValue(confirmations), RecordPageSize = parse.GetValue(pageSize) },
            ApiHttp.ResolveKey(parse.GetValue(apiKey)),
            ShowProgress(parse.GetValue(noProgress)),
            cancellationToken));
        return command;
    }

    private static bool ShowProgress(bool noProgress) =>
        !noProgress && !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    private static async Task<int> RunAsync(
        TextWriter output, Uri apiUri, Uri rpc, ReplayOptions options, string? apiKey, bool showProgress, CancellationToken cancellationToken)
    {
        using var api = new LedgerApiClient(apiUri, apiKey, ApiTimeout);
        using var chain = new AnchorReader(rpc);
        ReplayReport report;
        try
        {
            report = showProgress
                ? await WithProgressBarAsync(api, chain, options, cancellationToken)
                : await new ReplayRunner(api, chain, options, SilentProgress.Instance).RunAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is ApiException or JsonRpcException or RpcTransportException or ContractRevertException or HttpRequestException)
        {
            output.WriteLine($"replay stopped: {exception.Message}");
            return ExitCodes.NotVerified;
        }

        ReplayReportWriter.Write(output, report);
        return report.Passed ? ExitCodes.Verified : ExitCodes.NotVerified;
    }

    /// <summary>The bar goes to standard error, so standard output carries only the report.</summary>
    private static Task<ReplayReport> WithProgressBarAsync(ILedgerApi api, AnchorReader chain, ReplayOptions options, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(context =>
            {
                var task = context.AddTask("replay", autoStart: true, maxValue: 1);
                return new ReplayRunner(api, chain, options, new SpectreProgress(task)).RunAsync(cancellationToken);
            });
    }
}
