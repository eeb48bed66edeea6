using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ledger.Silo.Payouts;

public static class PayoutServiceCollectionExtensions
{
    /// <summary>
    /// Adds the leader-only payout pipeline, after <c>AddSilo</c> (it waits on the silo's leader election).
    /// The caller registers the <c>IPayoutStore</c>, the <c>ILeaseStore</c> and the <c>PayoutLedger</c>, and
    /// may register <see cref="PayoutOptions"/> and an <see cref="IPayoutChainSource"/> (without one the
    /// node has no chain and payouts wait pending). <see cref="PayoutMetrics"/> is a singleton for
    /// <c>/metrics</c>.
    /// </summary>
    public static IServiceCollection AddSiloPayouts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PayoutOptions>();
        services.TryAddSingleton<IPayoutChainSource, NoPayoutChain>();
        services.TryAddSingleton<PayoutMetrics>();
        services.AddSingleton<PayoutPipeline>();
        services.AddHostedService(static provider => provider.GetRequiredService<PayoutPipeline>());
        return services;
    }
}
