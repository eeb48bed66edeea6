using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>No receipt appeared in time. The transaction may still be included later; resend it and wait again.</summary>
public sealed class ReceiptTimeoutException : Exception
{
    public ReceiptTimeoutException(Hash32 transactionHash, TimeSpan waited)
        : base($"No receipt for {transactionHash} after {waited.TotalSeconds:0.#} s; it may still be included.")
    {
        TransactionHash = transactionHash;
    }

    public Hash32 TransactionHash { get; }
}
