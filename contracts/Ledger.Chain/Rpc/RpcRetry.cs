namespace Ledger.Chain.Rpc;

/// <summary>How a request may be retried after a transient fault.</summary>
public enum RpcRetry
{
    /// <summary>
    /// Sending the request twice has the effect of sending it once: reads, and a signed raw transaction
    /// (its hash is fixed, so a second copy is the same transaction). Retried on every transient fault.
    /// </summary>
    Idempotent,

    /// <summary>
    /// The request changes node state each time it runs (mining a block, a snapshot). Retried only when
    /// the fault shows the node never took it: the connection was refused, or the node answered 429.
    /// </summary>
    NotIdempotent,
}
