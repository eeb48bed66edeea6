using Ledger.Silo.Settlement;

namespace Ledger.Api.Chain;

/// <summary>
/// The silo's view of this node's chain: an anchor client over the current <see cref="ChainSession"/>
/// (its anchor binding, sender and confirmations), or none while the node has no chain, so batches still
/// close and stay pending. A new session (after a reconnect) gets a new client.
/// </summary>
public sealed class SiloAnchorChain(ChainConnection connection) : IAnchorChainSource
{
    private readonly Lock gate = new();
    private ChainSession? boundTo;
    private ChainAnchorClient? client;

    public IAnchorChain? Current
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
                    client = new ChainAnchorClient(session.Contracts.Anchor, session.Sender, session.Info.Confirmations);
                    boundTo = session;
                }

                return client;
            }
        }
    }
}
