using Ledger.Auditor.Api;

namespace Ledger.Auditor.Replay;

/// <summary>
/// The log's records in index order, fetched a page at a time from GET /v1/log/records, so replay holds
/// one page in memory however long the log is.
/// </summary>
internal sealed class RecordStream(ILedgerApi api, int pageSize)
{
    private readonly Queue<LogRecord> _page = new();
    private ulong _nextFrom;
    private bool _ended;

    /// <summary>The next record the API serves, or null when it serves no more.</summary>
    public async Task<LogRecord?> NextAsync(CancellationToken cancellationToken)
    {
        if (_page.Count == 0 && !_ended)
        {
            var records = await api.GetRecordsAsync(_nextFrom, pageSize, cancellationToken);
            if (records.Count > pageSize)
            {
                throw new ApiException($"GET /v1/log/records?from={_nextFrom}&limit={pageSize} answered {records.Count} records, more than the limit.");
            }

            _ended = records.Count == 0;
            foreach (var record in records)
            {
                _page.Enqueue(record);
            }

            _nextFrom += (ulong)records.Count;
        }

        return _page.TryDequeue(out var next) ? next : null;
    }
}
