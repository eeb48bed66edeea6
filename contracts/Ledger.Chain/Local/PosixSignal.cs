using System.Runtime.InteropServices;

namespace Ledger.Chain.Local;

/// <summary>
/// Sends SIGTERM, which .NET's Process API cannot: anvil writes its --state file only when it exits on a
/// signal it handles, and Process.Kill sends SIGKILL.
/// </summary>
internal static class PosixSignal
{
    private const int SigTerm = 15;

    /// <summary>Returns false when the signal could not be sent (not a POSIX system, or no such process).</summary>
    public static bool TryTerminate(int processId)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        return Kill(processId, SigTerm) == 0;
    }

    // DllImport rather than LibraryImport: both arguments are plain ints, so no marshalling code is
    // generated, and the project does not have to allow unsafe code for one call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054
    private static extern int Kill(int processId, int signal);
#pragma warning restore SYSLIB1054
}
