using Ledger.Silo.Escrows;

namespace Ledger.Api.Chain;

/// <summary>
/// The escrow pipeline's view of this node's chain: an escrow client over the current
/// <see cref="ChainSession"/> (SettlementEscrow, the stablecoin, PayoutBatcher for reconciling payouts,
/// the sender, the finality depth), or none while the node has no chain, so escrows wait Opening with
/// their mirrors held. A new session (after a reconnect) gets a new client. The first read of events starts
/// at the deployment block when this node deployed the contracts, else at block 0 (in windows of 10,000 blocks).
/// </summary>
public sealed class SiloEscrowChain(ChainConnection connection) : IEscrowChainSource
{
    private Binding? binding;

    public IEscrowChain? Current
    {
        get
        {
            if (connection.Session is not { } session)
            {
                return null;
            }

            var seen = Volatile.Read(ref binding);
            if (seen is not null && ReferenceEquals(seen.Session, session))
            {
                return seen.Client;
            }

            // Two readers racing on a new session agree on whichever client was published first: the
            // client caches the treasury's approval, so one client per session is kept.
            var fresh = new Binding(session, new ChainEscrowClient(
                session.Contracts.Escrow, session.Contracts.Stablecoin, session.Contracts.Payouts, session.Sender, session.Info.Confirmations, session.Info.DeploymentBlock));
            var published = Interlocked.CompareExchange(ref binding, fresh, seen);
            return ReferenceEquals(published, seen) ? fresh.Client : published!.Client;
        }
    }

    private sealed record Binding(ChainSession Session, ChainEscrowClient Client);
}
