using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ledger.Silo.Escrows;

public static class EscrowServiceCollectionExtensions
{
    /// <summary>
    /// Adds the leader-only escrow pipeline and reconciliation watcher, after <c>AddSilo</c> (it waits on
    /// the silo's leader election). The caller registers the <c>IEscrowStore</c>, the <c>IPayoutStore</c>,
    /// the <c>ILedgerStore</c>, the <c>ILeaseStore</c> and the <c>EscrowProcessor</c>, and may register
    /// <see cref="EscrowOptions"/> and an <see cref="IEscrowChainSource"/> (without one the node has no
    /// chain and escrows wait Opening). <see cref="EscrowMetrics"/> is a singleton for <c>/metrics</c>.
    /// </summary>
    public static IServiceCollection AddSiloEscrows(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EscrowOptions>();
        services.TryAddSingleton<IEscrowChainSource, NoEscrowChain>();
        services.TryAddSingleton<EscrowMetrics>();
        services.AddSingleton<EscrowPipeline>();
        services.AddHostedService(static provider => provider.GetRequiredService<EscrowPipeline>());
        return services;
    }
}
