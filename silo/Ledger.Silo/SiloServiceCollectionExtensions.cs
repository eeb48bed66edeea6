using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ledger.Silo;

public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo's background services. The caller registers the <c>LedgerEngine</c> and the
    /// <c>ILedgerStore</c> and <c>ILeaseStore</c>, and starts the engine before the host starts these
    /// services. The leader election comes first; leader-only services wait for a term.
    /// </summary>
    public static IServiceCollection AddSilo(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloLeaseOptions>();
        services.AddSingleton<LeaderElection>();
        services.AddHostedService(static provider => provider.GetRequiredService<LeaderElection>());
        services.AddSingleton<ExpiryPulseService>();
        services.AddHostedService(static provider => provider.GetRequiredService<ExpiryPulseService>());
        services.TryAddSingleton<SettlementOptions>();
        services.TryAddSingleton<IAnchorChainSource, NoAnchorChain>();
        services.AddSingleton<SettlementPipeline>();
        services.AddHostedService(static provider => provider.GetRequiredService<SettlementPipeline>());
        return services;
    }
}
