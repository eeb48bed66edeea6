using Ledger.Auditor.Cli;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>Runs ledger-audit in process with its output captured.</summary>
internal sealed record CommandRun(int ExitCode, string Output, string Error)
{
    public static async Task<CommandRun> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AuditorCommandLine.InvokeAsync(args, output, error, CancellationToken.None);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The PASS, FAIL or SKIP label of the named check in the text report.</summary>
    public string Label(string check) =>
        Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(w => w.Length > 1 && w[1] == check)[0];
}
