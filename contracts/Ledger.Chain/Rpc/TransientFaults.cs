using System.Net;
using System.Net.Sockets;

namespace Ledger.Chain.Rpc;

/// <summary>
/// Which transport faults are worth another attempt. Only faults of the path to the node count: a node
/// that answered with a JSON-RPC error has spoken, and asking again gets the same answer.
/// </summary>
internal static class TransientFaults
{
    /// <summary>HTTP answers from a node or its proxy that mean "not now": rate limited, or a gateway problem.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests
            or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout;

    /// <summary>Whether a request that changes state may be retried after this status: only when the node refused it unseen.</summary>
    public static bool ShowsNotTaken(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests;

    /// <summary>Whether the connection failed in a way another attempt can fix (refused, reset, aborted).</summary>
    public static bool IsTransientConnectionFault(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError
            or HttpRequestError.ResponseEnded
            or HttpRequestError.ProxyTunnelError
        || FindSocketError(exception) is SocketError.ConnectionRefused
            or SocketError.ConnectionReset
            or SocketError.ConnectionAborted
            or SocketError.TimedOut
            or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable;

    /// <summary>
    /// Whether the request surely never reached the node, so even a state-changing request may be sent
    /// again: no connection was established (refused, or failed while connecting).
    /// </summary>
    public static bool ShowsNotTaken(HttpRequestException exception) =>
        exception.HttpRequestError == HttpRequestError.ConnectionError
        || FindSocketError(exception) == SocketError.ConnectionRefused;

    private static SocketError? FindSocketError(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
