namespace Ledger.Chain.Abi;

/// <summary>
/// The Solidity ABI encoding of a list of values. Values: uint/int as BigInteger (ulong, long, uint, int, UInt128 ... also taken
/// on encode), address as Address, bool as bool, bytesM and bytes as byte[], string as string, T[] / T[k] / tuples as object?[].
/// </summary>
public static class AbiCodec
{
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        return AbiEncoder.EncodeSequence(types, values.ToArray());
    }

    /// <summary>Decodes strictly; malformed data throws FormatException. Bytes after the encoding are ignored, as Solidity does for calldata.</summary>
    public static object?[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        return AbiDecoder.DecodeSequence(types, data);
    }

    public static byte[] Encode(AbiType type, object? value) => Encode([type], [value]);

    public static object? Decode(AbiType type, ReadOnlySpan<byte> data) => Decode([type], data)[0];
}
