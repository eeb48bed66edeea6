namespace Ledger.Auditor.Records;

/// <summary>
/// The record's flag bits (PROOFS.md; TigerBeetle's order) and their names in the API (API.md):
/// bit 0 linked, 1 pending, 2 post_pending, 3 void_pending, 4 balancing_debit, 5 balancing_credit,
/// 6 closing_debit, 7 closing_credit. Bits 8 to 15 are undefined and must be zero.
/// </summary>
internal static class TransferFlagNames
{
    public const ushort DefinedBits = 0xFF;

    private static readonly string[] NamesByBit =
    [
        "linked",
        "pending",
        "post_pending",
        "void_pending",
        "balancing_debit",
        "balancing_credit",
        "closing_debit",
        "closing_credit",
    ];

    /// <summary>The bit a flag name stands for, or null for a name the API does not define.</summary>
    public static ushort? Bit(string name)
    {
        var index = Array.IndexOf(NamesByBit, name);
        return index < 0 ? null : (ushort)(1 << index);
    }

    /// <summary>The names of the defined bits that are set, in bit order.</summary>
    public static IReadOnlyList<string> Names(ushort flags) =>
        [.. NamesByBit.Where((_, bit) => (flags & (1 << bit)) != 0)];
}
