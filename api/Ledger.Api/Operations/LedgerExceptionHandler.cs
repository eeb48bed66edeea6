using System.Data.Common;
using Ledger.Api.Wire;
using Ledger.Core.Commit;
using Microsoft.AspNetCore.Diagnostics;

namespace Ledger.Api.Operations;

/// <summary>
/// Turns the exceptions a request can end in into problem details: bad HTTP input to its 4xx, an engine
/// that cannot take requests or a storage fault to 503 (nothing was committed, the client may retry
/// with the same ids). Anything else is left to the default 500 handler.
/// </summary>
public sealed partial class LedgerExceptionHandler : IExceptionHandler
{
    private readonly ILogger<LedgerExceptionHandler> logger;

    public LedgerExceptionHandler(ILogger<LedgerExceptionHandler> logger)
    {
        this.logger = logger;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var problem = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                Problems.Create(bad.StatusCode, "payload_too_large", "The request body is larger than the node accepts."),
            BadHttpRequestException bad =>
                Problems.Create(bad.StatusCode, Problems.DefaultCode(bad.StatusCode), bad.Message),
            LedgerUnavailableException =>
                Problems.Unavailable("ledger_unavailable", "The ledger engine cannot take requests now (it is stopping, or stopped on a fault). Nothing of this request was committed."),
            DbException or IOException or TimeoutException =>
                Problems.Unavailable("storage_unavailable", "The store failed, so the request may not have completed. Retrying with the same ids is safe: ids are idempotency keys."),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed: the ledger or its store is unavailable.")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, Exception exception);
}
