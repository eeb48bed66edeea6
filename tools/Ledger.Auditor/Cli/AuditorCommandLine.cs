using System.CommandLine;

namespace Ledger.Auditor.Cli;

/// <summary>The command tree of ledger-audit.</summary>
internal static class AuditorCommandLine
{
    public static RootCommand Create() =>
        new("An auditor's checks of the settlement ledger: from PROOFS.md, the proof JSON, the HTTP API and an Ethereum RPC only.")
        {
            VerifyProofCommand.Create(),
            ReplayCommand.Create(),
        };

    /// <summary>Parses and runs; <paramref name="output"/> and <paramref name="error"/> stand in for the console in tests.</summary>
    public static Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
}
