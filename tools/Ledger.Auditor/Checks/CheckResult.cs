namespace Ledger.Auditor.Checks;

/// <summary>One named check of PROOFS.md and what it found.</summary>
internal sealed record CheckResult(string Name, CheckStatus Status, string Detail)
{
    public static CheckResult Pass(string name, string detail) => new(name, CheckStatus.Passed, detail);

    public static CheckResult Fail(string name, string detail) => new(name, CheckStatus.Failed, detail);

    public static CheckResult Skip(string name, string detail) => new(name, CheckStatus.Skipped, detail);
}
