namespace Ledger.Auditor.Api;

/// <summary>The reads of API.md "Settlement and proofs" that replay makes.</summary>
internal interface ILedgerApi
{
    Task<ChainInfo> GetChainAsync(CancellationToken cancellationToken);

    /// <summary>Settlements with seq above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Settlement>> GetSettlementsAsync(ulong after, int limit, CancellationToken cancellationToken);

    /// <summary>Records from log index <paramref name="from"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LogRecord>> GetRecordsAsync(ulong from, int limit, CancellationToken cancellationToken);

    /// <summary>The RFC 9162 consistency proof from the tree of <paramref name="from"/> leaves to that of <paramref name="to"/>.</summary>
    Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong from, ulong to, CancellationToken cancellationToken);
}
