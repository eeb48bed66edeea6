namespace Ledger.Core.StateMachine;

/// <summary>Unsigned 128-bit arithmetic that reports overflow as a value, for the checks that become results.</summary>
internal static class Money
{
    public static bool TryAdd(UInt128 a, UInt128 b, out UInt128 sum)
    {
        // Unchecked on purpose: the wrap is detected right here and reported, never stored.
        sum = unchecked(a + b);
        return sum >= a;
    }

    public static bool TryAdd(UInt128 a, UInt128 b, UInt128 c, out UInt128 sum)
    {
        sum = UInt128.Zero;
        return TryAdd(a, b, out var ab) && TryAdd(ab, c, out sum);
    }

    /// <summary>a - b, or zero when b exceeds a.</summary>
    public static UInt128 SaturatingSubtract(UInt128 a, UInt128 b) => a > b ? a - b : UInt128.Zero;
}
