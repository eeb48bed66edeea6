namespace Ledger.Api.Wire;

/// <summary>Byte strings on the wire: 0x-prefixed lowercase hex, as Ethereum tools print them.</summary>
public static class HexText
{
    public static string Of(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
