namespace Ledger.Chain.Sending;

/// <summary>
/// The right to use one nonce, held while a transaction is built, signed and recorded. Nonces are handed
/// out one at a time: the next caller waits until this lease is consumed or disposed. Disposing without
/// consuming gives the nonce back for the next caller.
/// </summary>
public sealed class NonceLease : IDisposable
{
    private readonly NonceManager _owner;
    private int _state;

    internal NonceLease(NonceManager owner, ulong nonce)
    {
        _owner = owner;
        Nonce = nonce;
    }

    public ulong Nonce { get; }

    public bool Consumed => Volatile.Read(ref _state) == 1;

    /// <summary>
    /// Marks the nonce used (persisting the next one) and lets the next caller in. Call it only after the
    /// transaction signed with this nonce is recorded where a restart will find it.
    /// </summary>
    public void Consume()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"The lease on nonce {Nonce} is already consumed or released.");
        }

        _owner.Consume(Nonce);
    }

    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            _owner.Release();
        }
    }
}
