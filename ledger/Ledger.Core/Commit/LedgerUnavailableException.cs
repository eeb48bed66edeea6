namespace Ledger.Core.Commit;

/// <summary>
/// The engine cannot take requests: it is stopping, or it stopped on a broken invariant. Retrying on
/// this node cannot help; the request was not committed.
/// </summary>
public sealed class LedgerUnavailableException : Exception
{
    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    public LedgerUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
