namespace Ledger.Chain.Rpc;

/// <summary>
/// The request did not get a JSON-RPC answer: the node was unreachable, timed out, answered with an HTTP
/// error, or sent something that is not JSON-RPC. <see cref="Transient"/> says whether trying again later
/// can help; the client has already retried transient faults as often as its options allow.
/// </summary>
public sealed class RpcTransportException : Exception
{
    public RpcTransportException(string message, bool transient, Exception? inner = null)
        : base(message, inner)
    {
        Transient = transient;
    }

    public bool Transient { get; }
}
