namespace Ledger.Core.Payments;

/// <summary>How payments behave on this node.</summary>
public sealed class PaymentOptions
{
    /// <summary>How long a quote locks its rate.</summary>
    public TimeSpan QuoteLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a held payment's pending legs reserve the funds before they expire (and the payment is rejected as hold_expired).</summary>
    public uint HoldTimeoutSeconds { get; set; } = 24 * 3600;

    /// <summary>How old unfinished work (a payment or refund still Received) must be before the sweep finishes it: longer than any request takes.</summary>
    public TimeSpan ResumeAfter { get; set; } = TimeSpan.FromSeconds(30);
}
