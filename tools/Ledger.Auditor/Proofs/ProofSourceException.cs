namespace Ledger.Auditor.Proofs;

/// <summary>The proof could not be fetched or read from where the auditor pointed.</summary>
internal sealed class ProofSourceException : Exception
{
    public ProofSourceException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
