namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when a test moves it, so timeouts and expiry are deterministic. Thread-safe:
/// the engine's writer reads it while the test advances it.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    /// <summary>The instant every test starts at unless it says otherwise: 2025-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private long utcTicks;

    public ManualClock()
        : this(DefaultStart)
    {
    }

    public ManualClock(DateTimeOffset start) => utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref utcTicks), TimeSpan.Zero);

    /// <summary>The current instant as the engine reads it: nanoseconds since the Unix epoch.</summary>
    public ulong NowNanoseconds => (ulong)(Interlocked.Read(ref utcTicks) - DateTimeOffset.UnixEpoch.UtcTicks) * 100UL;

    public void Advance(TimeSpan by) => Interlocked.Add(ref utcTicks, by.Ticks);

    public void Set(DateTimeOffset instant) => Interlocked.Exchange(ref utcTicks, instant.UtcTicks);
}
