using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Chain.Rpc;

/// <summary>
/// JSON-RPC 2.0 over HTTP POST. One request or a batch goes in one POST; batch answers are matched to
/// requests by id. Each attempt has its own timeout. Transient faults of the path to the node (refused or
/// reset connections, HTTP 429/502/503/504, timeouts) are retried with exponential backoff when the request
/// allows it (<see cref="RpcRetry"/>); an error the node itself returns is never retried.
/// </summary>
public sealed class JsonRpcClient : IDisposable
{
    /// <summary>The largest answer read, so a misbehaving endpoint cannot exhaust memory.</summary>
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly JsonRpcClientOptions _options;
    private readonly TimeProvider _time;
    private long _nextId;

    /// <summary>Uses the given <see cref="HttpClient"/>, which the caller keeps and disposes.</summary>
    public JsonRpcClient(HttpClient http, JsonRpcClientOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates and owns its own <see cref="HttpClient"/>; the per-attempt timeout is ours, not the client's.</summary>
    public JsonRpcClient(JsonRpcClientOptions options, TimeProvider? time = null)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, time)
    {
        _ownsHttp = true;
    }

    public Uri Endpoint => _options.Endpoint;

    /// <summary>Sends one request and returns its result, or throws the node's error as <see cref="JsonRpcException"/>.</summary>
    public async Task<JsonElement> CallAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Interlocked.Increment(ref _nextId);
        var body = Serialise([request], [id], asArray: false);
        using var document = await PostAsync(body, request.Retry, request.Method, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RpcTransportException($"{request.Method}: the answer is not a JSON-RPC object.", transient: false);
        }

        return ReadResponse(root, request.Method).Result;
    }

    public Task<JsonElement> CallAsync(string method, CancellationToken cancellationToken, params JsonNode?[] parameters) =>
        CallAsync(new JsonRpcRequest(method, parameters), cancellationToken);

    /// <summary>
    /// Sends the requests in one HTTP POST and returns one answer per request, in request order. A request
    /// the node failed does not fail the others: its answer carries the error. The batch is retried only
    /// when every request in it may be retried.
    /// </summary>
    public async Task<IReadOnlyList<JsonRpcResponse>> BatchAsync(IReadOnlyList<JsonRpcRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        if (requests.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException(
                $"A batch holds at most {_options.MaxBatchSize} requests; this one has {requests.Count}.", nameof(requests));
        }

        var ids = new long[requests.Count];
        var indexById = new Dictionary<long, int>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            ids[i] = Interlocked.Increment(ref _nextId);
            indexById[ids[i]] = i;
        }

        var retry = requests.All(r => r.Retry == RpcRetry.Idempotent) ? RpcRetry.Idempotent : RpcRetry.NotIdempotent;
        var description = $"batch of {requests.Count.ToString(CultureInfo.InvariantCulture)}";
        var body = Serialise(requests, ids, asArray: true);
        using var document = await PostAsync(body, retry, description, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out _))
        {
            // A single error object for a whole batch: the node refused the batch itself (too large, or batches disabled).
            var refusal = ReadResponse(root, description);
            throw new RpcTransportException($"The node refused the {description}: {refusal.Error?.RpcMessage}", transient: false, refusal.Error);
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new RpcTransportException($"The answer to a {description} is not a JSON array.", transient: false);
        }

        var answers = new JsonRpcResponse?[requests.Count];
        foreach (var item in root.EnumerateArray())
        {
            if (!item.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out var id) || !indexById.TryGetValue(id, out var index))
            {
                throw new RpcTransportException($"An answer in the {description} carries an id that no request had.", transient: false);
            }

            answers[index] = ReadResponse(item, requests[index].Method);
        }

        var result = new JsonRpcResponse[requests.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            result[i] = answers[i]
                ?? throw new RpcTransportException($"The {description} has no answer for {requests[i].Method}.", transient: false);
        }

        return result;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static JsonRpcResponse ReadResponse(JsonElement item, string method)
    {
        if (item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var code = error.TryGetProperty("code", out var codeElement) && codeElement.TryGetInt32(out var c) ? c : 0;
            var message = error.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String
                ? messageElement.GetString() ?? string.Empty
                : string.Empty;
            JsonElement? data = error.TryGetProperty("data", out var dataElement) ? dataElement.Clone() : null;
            return JsonRpcResponse.Failure(new JsonRpcException(method, code, message, data));
        }

        if (!item.TryGetProperty("result", out var result))
        {
            throw new RpcTransportException($"The answer to {method} has neither result nor error.", transient: false);
        }

        return JsonRpcResponse.Success(result.Clone());
    }

    private static byte[] Serialise(IReadOnlyList<JsonRpcRequest> requests, long[] ids, bool asArray)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (asArray)
            {
                writer.WriteStartArray();
            }

            for (var i = 0; i < requests.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc", "2.0");
                writer.WriteNumber("id", ids[i]);
                writer.WriteString("method", requests[i].Method);
                writer.WriteStartArray("params");
                foreach (var parameter in requests[i].Parameters)
                {
                    if (parameter is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        parameter.WriteTo(writer);
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (asArray)
            {
                writer.WriteEndArray();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task<JsonDocument> PostAsync(byte[] body, RpcRetry retry, string description, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var last = attempt >= _options.MaxAttempts;
            RpcTransportException failure;
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCancellation.CancelAfter(_options.CallTimeout);
                try
                {
                    return await PostOnceAsync(body, retry, description, attemptCancellation.Token);
                }
                catch (RetryableFault fault)
                {
                    failure = fault.Failure;
                }
                catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Our own per-attempt timeout fired. The node may have run the request, so only an
                    // idempotent one is sent again.
                    failure = new RpcTransportException(
                        $"{description}: no answer from {_options.Endpoint} within {_options.CallTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.",
                        transient: true,
                        exception);
                    if (retry != RpcRetry.Idempotent)
                    {
                        throw failure;
                    }
                }
                catch (HttpRequestException exception)
                {
                    var transient = TransientFaults.IsTransientConnectionFault(exception);
                    failure = new RpcTransportException($"{description}: {exception.Message}", transient, exception);
                    var retryable = retry == RpcRetry.Idempotent ? transient : TransientFaults.ShowsNotTaken(exception);
                    if (!retryable)
                    {
                        throw failure;
                    }
                }
            }

            if (last)
            {
                throw new RpcTransportException(
                    $"{failure.Message} Gave up after {attempt.ToString(CultureInfo.InvariantCulture)} attempts.", failure.Transient, failure);
            }

            await Task.Delay(BackoffDelay(attempt), _time, cancellationToken);
        }
    }

    private async Task<JsonDocument> PostOnceAsync(byte[] body, RpcRetry retry, string description, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonMediaType;
        using var response = await _http.PostAsync(_options.Endpoint, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            var transient = TransientFaults.IsTransientStatus(status);
            var failure = new RpcTransportException(
                $"{description}: {_options.Endpoint} answered HTTP {((int)status).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}.",
                transient);
            var retryable = retry == RpcRetry.Idempotent ? transient : TransientFaults.ShowsNotTaken(status);
            throw retryable ? new RetryableFault(failure) : failure;
        }

        var bytes = await ReadBoundedAsync(response.Content, description, cancellationToken);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException exception)
        {
            throw new RpcTransportException($"{description}: the answer is not JSON.", transient: false, exception);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, string description, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new RpcTransportException($"{description}: the answer is larger than {MaxResponseBytes} bytes.", transient: false);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (copy.Length + read > MaxResponseBytes)
                {
                    throw new RpcTransportException($"{description}: the answer is larger than {MaxResponseBytes} bytes.", transient: false);
                }

                copy.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return copy.ToArray();
    }

    private TimeSpan BackoffDelay(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);

        // Jitter between half and all of the delay, so clients that failed together do not retry together.
        var jittered = capped * (0.5 + (Random.Shared.NextDouble() / 2));
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>Carries an HTTP status failure that the request's retry rule allows to try again.</summary>
    private sealed class RetryableFault(RpcTransportException failure) : Exception(failure.Message, failure)
    {
        public RpcTransportException Failure { get; } = failure;
    }
}
