namespace Ledger.Auditor.Cli;

/// <summary>The tool's exit codes: 0 when everything checked holds, 1 for anything else (a failed check, a divergence, a usage or read error).</summary>
internal static class ExitCodes
{
    public const int Verified = 0;

    public const int NotVerified = 1;
}
