namespace Ledger.Silo.Payouts;

/// <summary>Why the chain refuses a batch's <c>pay</c> (found at the gas estimate, before anything was signed).</summary>
public enum PayoutRefusal
{
    /// <summary>The contract or the token refused for a reason not named below.</summary>
    Other,

    /// <summary>A payout id of the batch was paid before (<see cref="PayoutRefusedException.PayoutId"/> says which).</summary>
    AlreadyPaid,

    /// <summary>The treasury's balance or its allowance to the PayoutBatcher is below the batch total: wait, or fund it.</summary>
    Unfunded,

    /// <summary>The batch can never be paid as it is: a zero recipient or amount, no payouts, or too many.</summary>
    Invalid,

    /// <summary>The gas estimate is above the sender's cap: the batch is too large for this token and cap.</summary>
    GasCapExceeded,

    /// <summary>The sending key lacks PAYER_ROLE.</summary>
    NotPayer,
}

/// <summary>The chain refuses a batch's pay; nothing was signed or sent.</summary>
public sealed class PayoutRefusedException : Exception
{
    public PayoutRefusedException(string message, PayoutRefusal refusal, string? errorName, UInt128? payoutId = null, Exception? inner = null)
        : base(message, inner)
    {
        Refusal = refusal;
        ErrorName = errorName;
        PayoutId = payoutId;
    }

    public PayoutRefusal Refusal { get; }

    /// <summary>The custom error the contract or token reverted with, when it could be decoded.</summary>
    public string? ErrorName { get; }

    /// <summary>The payout id the error names, when it names one of ours.</summary>
    public UInt128? PayoutId { get; }
}
