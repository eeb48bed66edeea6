using System.Diagnostics;
using Ledger.Silo.Payouts;

namespace Ledger.Api.Hosting;

/// <summary>
/// The crash-test fault (<c>LEDGER_FAULT_PAYOUT_CRASH</c>): the node kills its own process with SIGKILL,
/// nothing flushed and no shutdown run, the first time the payout pipeline reaches the named step. Its
/// local anvil, a child process, lives on as after any crash, and the next start takes it over.
/// </summary>
public static class PayoutFault
{
    public static Action<PayoutCrashPoint>? HookFor(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        var point = setting.Trim() switch
        {
            "after_signed" => PayoutCrashPoint.AfterSigned,
            "after_sent" => PayoutCrashPoint.AfterSent,
            "after_final" => PayoutCrashPoint.AfterFinal,
            _ => throw new NodeConfigurationException($"LEDGER_FAULT_PAYOUT_CRASH is '{setting}'; it must be after_signed, after_sent or after_final (crash tests only)."),
        };
        return reached =>
        {
            if (reached == point)
            {
                Console.Error.WriteLine($"LEDGER_FAULT_PAYOUT_CRASH: killing the node at {setting}.");
                Process.GetCurrentProcess().Kill();
            }
        };
    }
}
