using Ledger.Api.Hosting;
using Ledger.Api.Wire;
using Ledger.Core.Commit;
using Ledger.Core.Payments;
using Ledger.Core.Payouts;
using Ledger.Core.Storage;
using Ledger.Silo.Escrows;
using Ledger.Silo.Leadership;
using Ledger.Silo.Payouts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Operations;

public sealed record HealthResponse(string Status);

public static class OperationsEndpoints
{
    /// <summary>How long readiness waits for the store before it calls the node not ready.</summary>
    public static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Operations").AllowAnonymous();
        group.MapGet("/live", Live)
            .WithName("Live")
            .WithSummary("200 while the process runs.");
        group.MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .WithSummary("200 once the store answers and the engine runs; 503 otherwise.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Metrics)
            .WithTags("Operations")
            .WithName("Metrics")
            .WithSummary("Counters and the commit-latency histogram in the Prometheus text format.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .AllowAnonymous();
        return app;
    }

    public static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(LedgerLifetime lifetime, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (!lifetime.Started)
        {
            return Problems.Unavailable("not_ready", "The ledger engine is not running (starting, stopping, or stopped on a fault).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadinessTimeout);
        try
        {
            await store.GetHeadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Problems.Unavailable("not_ready", $"The store did not answer within {ReadinessTimeout.TotalSeconds} s.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Problems.Unavailable("not_ready", "The store does not answer.");
        }

        return TypedResults.Ok(new HealthResponse("ready"));
    }

    public static ContentHttpResult Metrics(LedgerEngine engine, HttpMetrics http, IServiceProvider services) =>
        TypedResults.Text(
            PrometheusText.Render(
                engine.Metrics,
                http,
                services.GetService<LeaderElection>(),
                services.GetService<PaymentProcessor>()?.Metrics,
                services.GetService<PayoutProcessor>() is { } payouts ? new PayoutCounters(payouts.Metrics.Snapshot(), services.GetService<PayoutMetrics>()?.Snapshot()) : null,
                services.GetService<EscrowMetrics>()?.Snapshot()),
            PrometheusText.ContentType);
}
