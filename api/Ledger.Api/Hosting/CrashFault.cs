using System.Diagnostics;
using Ledger.Silo.Escrows;
using Ledger.Silo.Payouts;

namespace Ledger.Api.Hosting;

/// <summary>
/// The crash-test faults (<c>LEDGER_FAULT_PAYOUT_CRASH</c>, <c>LEDGER_FAULT_ESCROW_CRASH</c>): the node kills
/// its own process with SIGKILL, nothing flushed and no shutdown run, the first time its payout or escrow
/// pipeline reaches the named step. Its local anvil, a child process, lives on as after any crash, and the
/// next start takes it over. Unset in any real deployment.
/// </summary>
public static class CrashFault
{
    public const string PayoutVariable = "LEDGER_FAULT_PAYOUT_CRASH";

    public const string EscrowVariable = "LEDGER_FAULT_ESCROW_CRASH";

    private static readonly Dictionary<string, PayoutCrashPoint> PayoutSteps = new(StringComparer.Ordinal)
    {
        ["after_signed"] = PayoutCrashPoint.AfterSigned,
        ["after_sent"] = PayoutCrashPoint.AfterSent,
        ["after_final"] = PayoutCrashPoint.AfterFinal,
    };

    private static readonly Dictionary<string, EscrowCrashPoint> EscrowSteps = new(StringComparer.Ordinal)
    {
        ["after_signed"] = EscrowCrashPoint.AfterSigned,
        ["after_sent"] = EscrowCrashPoint.AfterSent,
        ["before_resolve"] = EscrowCrashPoint.BeforeResolve,
    };

    public static Action<PayoutCrashPoint>? PayoutHook(string? setting) => HookFor(setting, PayoutVariable, PayoutSteps);

    public static Action<EscrowCrashPoint>? EscrowHook(string? setting) => HookFor(setting, EscrowVariable, EscrowSteps);

    private static Action<T>? HookFor<T>(string? setting, string variable, Dictionary<string, T> steps)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        var name = setting.Trim();
        if (!steps.TryGetValue(name, out var point))
        {
            throw new NodeConfigurationException($"{variable} is '{setting}'; it must be {string.Join(", ", steps.Keys)} (crash tests only).");
        }

        return reached =>
        {
            if (EqualityComparer<T>.Default.Equals(reached, point))
            {
                Console.Error.WriteLine($"{variable}: killing the node at {name}.");
                Process.GetCurrentProcess().Kill();
            }
        };
    }
}
