using System.Globalization;
using System.Text.Json;
using Ledger.Auditor.Proofs;
using Ledger.Auditor.Records;
using Ledger.Chain.Abi;

namespace Ledger.Auditor.Api;

/// <summary>The ledger's HTTP API as API.md describes it, read strictly: an answer of another shape is an <see cref="ApiException"/>.</summary>
internal sealed class LedgerApiClient : ILedgerApi, IDisposable
{
    /// <summary>A page of 10,000 records is about 2.7 MB of hex; this leaves room without being unbounded.</summary>
    private const int MaxResponseBytes = 32 * 1024 * 1024;

    private readonly ApiHttp _http;
    private readonly Uri _base;

    public LedgerApiClient(Uri baseUri, string? apiKey, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        _base = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _http = new ApiHttp(apiKey, MaxResponseBytes, timeout);
    }

    public async Task<ChainInfo> GetChainAsync(CancellationToken cancellationToken) =>
        await ReadAsync("v1/chain", root =>
        {
            var contracts = JsonFields.Required(root, "contracts", "chain");
            var anchorText = JsonFields.String(contracts, "anchor", "chain.contracts");
            return Address.TryParse(anchorText, out var anchor)
                ? new ChainInfo(JsonFields.UInt64(root, "chain_id", "chain"), anchor)
                : throw new FormatException($"chain.contracts.anchor is not an address: '{anchorText}'.");
        }, cancellationToken);

    public Task<IReadOnlyList<Settlement>> GetSettlementsAsync(ulong after, int limit, CancellationToken cancellationToken) =>
        ReadAsync($"v1/settlements?after={Number(after)}&limit={Number(limit)}", root =>
        {
            var items = root.ValueKind == JsonValueKind.Array ? root : JsonFields.Required(root, "settlements", "settlements page");
            return (IReadOnlyList<Settlement>)[.. Items(items, "settlements").Select(ReadSettlement)];
        }, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> GetRecordsAsync(ulong from, int limit, CancellationToken cancellationToken) =>
        ReadAsync($"v1/log/records?from={Number(from)}&limit={Number(limit)}", root =>
            (IReadOnlyList<LogRecord>)[.. Items(JsonFields.Required(root, "records", "records page"), "records").Select((item, i) =>
                new LogRecord(
                    JsonFields.UInt64(item, "index", $"records[{i}]"),
                    JsonFields.HexBytes(item, "record", RecordFields.Size, $"records[{i}]")))],
            cancellationToken);

    public Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong from, ulong to, CancellationToken cancellationToken) =>
        ReadAsync($"v1/proofs/consistency?from={Number(from)}&to={Number(to)}", root =>
        {
            var answeredFrom = JsonFields.UInt64(root, "from", "consistency");
            var answeredTo = JsonFields.UInt64(root, "to", "consistency");
            return answeredFrom == from && answeredTo == to
                ? JsonFields.HashList(root, "proof", "consistency")
                : throw new FormatException($"asked for the proof from {from} to {to}, got one from {answeredFrom} to {answeredTo}.");
        }, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static Settlement ReadSettlement(JsonElement item, int i)
    {
        var where = $"settlements[{i}]";
        var anchor = JsonFields.Required(item, "anchor", where);
        return new Settlement(
            JsonFields.UInt64(item, "seq", where),
            JsonFields.UInt64(item, "first_log_index", where),
            JsonFields.UInt64(item, "tree_size", where),
            JsonFields.HexBytes(item, "root", 32, where),
            JsonFields.String(anchor, "status", where + ".anchor"));
    }

    private static IEnumerable<JsonElement> Items(JsonElement array, string what) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : throw new FormatException($"{what} is not an array.");

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<T> ReadAsync<T>(string relative, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        var uri = new Uri(_base, relative);
        var text = await _http.GetTextAsync(uri, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            return read(document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            throw new ApiException($"GET {uri}: the answer is not as API.md describes: {exception.Message}", exception);
        }
    }
}
