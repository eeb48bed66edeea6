using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ledger.Chain.Tests.Infrastructure;

/// <summary>
/// A stand-in for a flaky gateway in front of the node, which cannot be made to misbehave on demand
/// here: a minimal HTTP/1.1 listener on loopback (TcpListener, one request per connection) that answers
/// the next scripted faults (an HTTP status, or a delay) and forwards every other request unchanged to the
/// real anvil. It counts the requests it receives, so tests can see how often the client tried.
/// </summary>
internal sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public FaultyProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The next request gets this HTTP status and an empty body.</summary>
    public void FailWith(HttpStatusCode status) => _faults.Enqueue(new Fault(status, TimeSpan.Zero));

    /// <summary>The next request is held this long before it is forwarded.</summary>
    public void Delay(TimeSpan delay) => _faults.Enqueue(new Fault(null, delay));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var body = await ReadRequestBodyAsync(stream);
                Interlocked.Increment(ref _requests);
                if (_faults.TryDequeue(out var fault))
                {
                    if (fault.Status is { } status)
                    {
                        await WriteResponseAsync(stream, (int)status, []);
                        return;
                    }

                    await Task.Delay(fault.Delay, _stop.Token);
                }

                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var answer = await _http.PostAsync(_upstream, content, _stop.Token);
                await WriteResponseAsync(stream, (int)answer.StatusCode, await answer.Content.ReadAsByteArrayAsync(_stop.Token));
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
            {
                // The client gave up on this connection (its timeout), or the proxy is stopping.
            }
        }
    }

    private static async Task<byte[]> ReadRequestBodyAsync(NetworkStream stream)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(header))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The connection closed inside the request headers.");
            }

            header.Add(one[0]);
        }

        var length = 0;
        foreach (var line in System.Text.Encoding.ASCII.GetString([.. header]).Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return body;
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    private static async Task WriteResponseAsync(NetworkStream stream, int status, byte[] body)
    {
        var head = $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} Status\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private sealed record Fault(HttpStatusCode? Status, TimeSpan Delay);
}
