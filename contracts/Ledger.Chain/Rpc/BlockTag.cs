using System.Text.Json.Nodes;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Rpc;

/// <summary>The block a read is made against: a named tag or a block number.</summary>
public readonly record struct BlockTag
{
    private BlockTag(string text) => Text = text;

    public static BlockTag Latest { get; } = new("latest");

    public static BlockTag Pending { get; } = new("pending");

    public static BlockTag Safe { get; } = new("safe");

    public static BlockTag Finalized { get; } = new("finalized");

    public static BlockTag Earliest { get; } = new("earliest");

    /// <summary>The tag as JSON-RPC writes it: a name, or a quantity.</summary>
    public string Text { get; }

    public static BlockTag Number(ulong blockNumber) => new(Hex.ToQuantity(blockNumber));

    public JsonNode ToJson() => JsonValue.Create(Text ?? Latest.Text);

    public override string ToString() => Text;
}
