using Ledger.Api.Chain;
using Ledger.Api.Endpoints;
using Ledger.Api.Hosting;
using Ledger.Api.Operations;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Cluster;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Escrows;
using Ledger.Core.Payments;
using Ledger.Core.Payouts;
using Ledger.Core.Storage;
using Ledger.Silo;
using Ledger.Silo.Escrows;
using Ledger.Silo.Leadership;
using Ledger.Silo.Payments;
using Ledger.Silo.Payouts;
using Ledger.Silo.Settlement;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;

namespace Ledger.Api;

/// <summary>
/// Composes a ledger node: configuration, the SQLite store, the commit engine, the API and the silo's
/// background services according to the role. <c>Program.cs</c> only runs what this builds, and tests
/// build the same node in-process.
/// </summary>
public static class NodeApp
{
    /// <summary>The largest request body the node reads; a full batch of 8,189 transfers is far smaller.</summary>
    public const long RequestBodyBytesMax = 16L * 1024 * 1024;

    /// <summary>
    /// Builds the node. Nothing is opened yet: the store, the operator and the engine start when the
    /// application starts, and stop (engine first, then store) when it stops or is disposed.
    /// </summary>
    /// <exception cref="NodeConfigurationException">The configuration cannot work; the message says why.</exception>
    public static WebApplication Build(string[] args, Action<NodeOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(NodeApp).Assembly.GetName().Name,
        });
        var options = NodeOptions.FromConfiguration(builder.Configuration);
        configure?.Invoke(options);
        options.Validate();

        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBodyBytesMax;
        });
        // Per-request logs of the framework are noise at this volume; configuration can still lower a
        // more specific category (Logging:LogLevel:Microsoft.AspNetCore.Hosting, say).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Clock);

        // The store and the engine are made here and owned by LedgerLifetime, which disposes them in
        // order; registered as instances, the container leaves their disposal alone.
        var store = options.StoreFactory(options);
        if (store is not IDirectoryStore directory)
        {
            throw new NodeConfigurationException($"The store {store.GetType().Name} does not keep the directory (participants, keys, currencies).");
        }

        if (store is not ILeaseStore leases)
        {
            throw new NodeConfigurationException($"The store {store.GetType().Name} does not keep leases (the silo leader's).");
        }

        if (store is not IPaymentStore paymentStore)
        {
            throw new NodeConfigurationException($"The store {store.GetType().Name} does not keep payments (FX rates, quotes, risk, payments).");
        }

        if (store is not IPayoutStore payoutStore)
        {
            throw new NodeConfigurationException($"The store {store.GetType().Name} does not keep payouts and the deny list.");
        }

        if (store is not IEscrowStore escrowStore)
        {
            throw new NodeConfigurationException($"The store {store.GetType().Name} does not keep escrows and reconciliation reports.");
        }

        var engine = new LedgerEngine(store, options.Clock);
        services.AddSingleton(store);
        services.AddSingleton(directory);
        services.AddSingleton(leases);
        services.AddSingleton(new SiloLeaseOptions { Duration = options.SiloLeaseDuration });
        services.AddSingleton(engine);
        services.AddSingleton(paymentStore);
        services.AddSingleton(payoutStore);
        services.AddSingleton(new PaymentOptions
        {
            QuoteLifetime = options.FxQuoteLifetime,
            HoldTimeoutSeconds = (uint)options.PaymentHoldTimeout.TotalSeconds,
        });
        services.AddSingleton<PaymentProcessor>();
        services.AddSingleton(escrowStore);
        var payoutLedger = new PayoutLedger(payoutStore, store, engine, options.Clock, OperatorBootstrap.OperatorId);
        services.AddSingleton(payoutLedger);
        services.AddSingleton(new PayoutProcessor(payoutStore, store, payoutLedger, options.Clock));
        services.AddSingleton(new EscrowProcessor(escrowStore, store, engine, options.Clock, OperatorBootstrap.OperatorId, options.EscrowDeadlineLeadMin));
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ChainConnection>();
        services.AddSingleton<CurrencyDirectory>();
        services.AddSingleton<HttpMetrics>();

        // Registered first, so the ledger is up before the silo's services start and down after they stop.
        services.AddSingleton<LedgerLifetime>();
        services.AddHostedService(static provider => provider.GetRequiredService<LedgerLifetime>());
        services.AddSingleton<ChainHost>();
        services.AddHostedService(static provider => provider.GetRequiredService<ChainHost>());
        if (options.RunsSilo)
        {
            services.AddSingleton(new SettlementOptions { Interval = options.SettlementInterval });
            services.AddSingleton<IAnchorChainSource, SiloAnchorChain>();
            services.AddSilo();
            services.AddHostedService<PaymentResumeService>();
            services.AddSingleton(new PayoutOptions
            {
                Interval = options.PayoutInterval,
                CrashHook = CrashFault.PayoutHook(options.FaultPayoutCrash),
            });
            services.AddSingleton<IPayoutChainSource, SiloPayoutChain>();
            services.AddSiloPayouts();
            services.AddSingleton(new EscrowOptions
            {
                Interval = options.PayoutInterval,
                CrashHook = CrashFault.EscrowHook(options.FaultEscrowCrash),
            });
            services.AddSingleton<IEscrowChainSource, SiloEscrowChain>();
            services.AddSiloEscrows();
        }

        services.ConfigureHttpJsonOptions(json => WireJson.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey(Problems.CodeMember))
            {
                var code = Problems.DefaultCode(status);
                context.ProblemDetails.Extensions[Problems.CodeMember] = code;
                context.ProblemDetails.Type = Problems.TypePrefix + code;
                context.ProblemDetails.Title = Problems.TitleOf(code);
            }

            context.ProblemDetails.Detail ??= context.ProblemDetails.Title;
        });
        services.AddExceptionHandler<LedgerExceptionHandler>();
        // The core authentication services only: AddAuthentication would also bring data protection,
        // which creates and stores keys at every start for cookie schemes this API does not have.
        services.AddAuthenticationCore(authentication => authentication.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        services.AddWebEncoders();
        new AuthenticationBuilder(services)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        if (options.RunsApi)
        {
            services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer<OpenApiDocumentTransformer>());
        }

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                context.RequestServices.GetRequiredService<HttpMetrics>().Record(context.Response.StatusCode);
            }
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealth();
        app.MapMetrics();
        if (options.RunsApi)
        {
            app.MapOpenApi().AllowAnonymous();
            var v1 = app.MapGroup("/v1")
                .RequireAuthorization()
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            v1.MapParticipants();
            v1.MapCurrencies();
            v1.MapAccounts();
            v1.MapTransfers();
            v1.MapChain();
            v1.MapSettlements();
            v1.MapProofs();
            v1.MapFx();
            v1.MapPayments();
            v1.MapRisk();
            v1.MapDenyList();
            v1.MapPayouts();
            v1.MapEscrows();
        }

        return app;
    }
}
