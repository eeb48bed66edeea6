using Ledger.Silo.Payouts;

namespace Ledger.Api.Chain;

/// <summary>
/// The payout pipeline's view of this node's chain: a payout client over the current
/// <see cref="ChainSession"/> (PayoutBatcher, the stablecoin, the sender, the finality depth), or none
/// while the node has no chain, so payouts stay pending and held. A new session gets a new client.
/// </summary>
public sealed class SiloPayoutChain(ChainConnection connection) : IPayoutChainSource
{
    private readonly Lock gate = new();
    private ChainSession? boundTo;
    private ChainPayoutClient? client;

    public IPayoutChain? Current
    {
        get
        {
            var session = connection.Session;
            if (session is null)
            {
                return null;
            }

            lock (gate)
            {
                if (!ReferenceEquals(boundTo, session))
                {
                    client = new ChainPayoutClient(session.Contracts.Payouts, session.Contracts.Stablecoin, session.Sender, session.Info.Confirmations);
                    boundTo = session;
                }

                return client;
            }
        }
    }
}
