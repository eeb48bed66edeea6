namespace Ledger.Auditor.Api;

/// <summary>The ledger's HTTP API could not be read: unreachable, an error status, or an answer that is not what API.md describes.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
