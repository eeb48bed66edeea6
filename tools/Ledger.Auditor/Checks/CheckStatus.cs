namespace Ledger.Auditor.Checks;

/// <summary>How one check ended. A skipped check could not run (an earlier one made it meaningless) and counts as not passed.</summary>
internal enum CheckStatus
{
    Passed,
    Failed,
    Skipped,
}
