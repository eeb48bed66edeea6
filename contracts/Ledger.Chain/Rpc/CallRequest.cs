using System.Numerics;
using System.Text.Json.Nodes;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Rpc;

/// <summary>The call object of eth_call and eth_estimateGas. A null <see cref="To"/> is a contract creation.</summary>
public sealed record CallRequest(Address? To, byte[] Data, Address? From = null, BigInteger? Value = null, ulong? Gas = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (From is { } from)
        {
            json["from"] = from.ToString();
        }

        if (To is { } to)
        {
            json["to"] = to.ToString();
        }

        if (Gas is { } gas)
        {
            json["gas"] = Hex.ToQuantity(gas);
        }

        if (Value is { } value)
        {
            json["value"] = Hex.ToQuantity(value);
        }

        json["data"] = Hex.ToHex(Data);
        return json;
    }
}
