using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>
/// Nonces for one sending key, kept in a small JSON file so they survive restarts. On open the next nonce
/// is the larger of the file's and the chain's pending transaction count: the file covers transactions
/// signed and recorded but not yet seen by the node, the chain covers anything sent without the file.
/// Nonces are handed out serially, one lease at a time; a nonce is used up only when its lease is consumed.
/// </summary>
public sealed class NonceManager : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;
    private readonly ulong _chainId;
    private ulong _nextNonce;

    private NonceManager(string path, Address sender, ulong chainId, ulong nextNonce)
    {
        _path = path;
        Sender = sender;
        _chainId = chainId;
        _nextNonce = nextNonce;
    }

    public Address Sender { get; }

    /// <summary>The nonce the next lease will carry.</summary>
    public ulong NextNonce => Interlocked.Read(ref _nextNonce);

    /// <summary>
    /// Opens the file (creating it when absent) and reconciles it with the chain. The file must belong to
    /// this sender and chain: a file from another key would hand out wrong nonces.
    /// </summary>
    public static async Task<NonceManager> OpenAsync(string path, Address sender, EthClient eth, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(eth);
        var chainId = await eth.GetChainIdAsync(cancellationToken);
        var pending = await eth.GetTransactionCountAsync(sender, BlockTag.Pending, cancellationToken);
        var file = NonceFile.Read(path);
        if (file is not null)
        {
            if (!Address.TryParse(file.Sender, out var fileSender) || fileSender != sender)
            {
                throw new InvalidDataException($"The nonce file {path} belongs to {file.Sender}, not {sender}.");
            }

            if (file.ChainId != chainId)
            {
                throw new InvalidDataException($"The nonce file {path} counts nonces on chain {file.ChainId}; the node is on chain {chainId}.");
            }
        }

        var next = Math.Max(file?.NextNonce ?? 0, pending);
        var manager = new NonceManager(path, sender, chainId, next);
        if (file is null || file.NextNonce != next)
        {
            manager.Persist(next);
        }

        return manager;
    }

    /// <summary>Waits for the previous lease to end, then leases the next nonce.</summary>
    public async Task<NonceLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new NonceLease(this, NextNonce);
    }

    /// <summary>
    /// Raises the next nonce to the chain's pending count when the chain is ahead (another process used
    /// the key). Never lowers it: a lower count means transactions recorded here are not yet on the node.
    /// </summary>
    public async Task ReconcileAsync(EthClient eth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eth);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var pending = await eth.GetTransactionCountAsync(Sender, BlockTag.Pending, cancellationToken);
            if (pending > NextNonce)
            {
                Persist(pending);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    internal void Consume(ulong nonce)
    {
        try
        {
            Persist(checked(nonce + 1));
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void Release() => _gate.Release();

    private void Persist(ulong next)
    {
        new NonceFile(Sender.ToString(), _chainId, next).Write(_path);
        Interlocked.Exchange(ref _nextNonce, next);
    }
}
