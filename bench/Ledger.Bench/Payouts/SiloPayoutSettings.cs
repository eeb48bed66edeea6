namespace Ledger.Bench.Payouts;

/// <summary>How the silo run is shaped: how many payouts, from how many merchants, created by how many concurrent callers.</summary>
/// <param name="Interval">The pipeline's round interval (the node's LEDGER_PAYOUT_INTERVAL_SECONDS, 1 s by default).</param>
/// <param name="RunMax">The longest the run may take, creation included; what is not confirmed by then is reported as such.</param>
internal sealed record SiloPayoutSettings(int Payouts, int Merchants, int Creators, TimeSpan Interval, TimeSpan RunMax);
