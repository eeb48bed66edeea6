namespace Ledger.Api.Wire;

/// <summary>Byte strings on the wire: 0x-prefixed lowercase hex, as Ethereum tools print them.</summary>
public static class HexText
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static string Of(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Reads 0x and exactly 2 × <paramref name="length"/> hex digits (either case).</summary>
    public static bool TryParseFixed(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length != 2 + (2 * length) || !text.StartsWith("0x", StringComparison.Ordinal) || text.AsSpan(2).ContainsAnyExcept(HexDigits))
        {
            return false;
        }

        bytes = Convert.FromHexString(text.AsSpan(2));
        return true;
    }
}
