using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>Picks one event's logs out of a receipt's (or eth_getLogs') logs and decodes them.</summary>
public static class ContractEvents
{
    /// <summary>
    /// The logs that <paramref name="contract"/> emitted as <paramref name="abiEvent"/>, in log order.
    /// Logs marked removed (reorganised away) are left out; a log with the event's topic that does not
    /// decode is an error, since the contract's ABI says what it emits.
    /// </summary>
    public static IReadOnlyList<DecodedLog> Decode(AbiEvent abiEvent, Address contract, IEnumerable<RpcLog> logs)
    {
        ArgumentNullException.ThrowIfNull(abiEvent);
        ArgumentNullException.ThrowIfNull(logs);
        var topic0 = Hash32.FromBytes(abiEvent.Topic0);
        var decoded = new List<DecodedLog>();
        foreach (var log in logs)
        {
            if (log.Removed || log.Address != contract || log.Topics.Count == 0 || log.Topics[0] != topic0)
            {
                continue;
            }

            var values = abiEvent.Decode(log.Topics.Select(t => t.ToBytes()).ToList(), log.Data);
            decoded.Add(new DecodedLog(log, values));
        }

        return decoded;
    }
}
