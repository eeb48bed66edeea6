namespace Ledger.Chain.Abi;

/// <summary>A Solidity ABI type, with its canonical name (the one selectors and event topics hash).</summary>
public sealed class AbiType : IEquatable<AbiType>
{
    private static readonly AbiType[] NoComponents = [];

    private AbiType(AbiKind kind, int size, AbiType? element, int length, AbiType[] components)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Length = length;
        Components = components;
        IsDynamic = kind switch
        {
            AbiKind.Bytes or AbiKind.String or AbiKind.Array => true,
            AbiKind.FixedArray => element!.IsDynamic,
            AbiKind.Tuple => components.Any(c => c.IsDynamic),
            _ => false,
        };
        HeadSize = IsDynamic ? 32 : kind switch
        {
            AbiKind.FixedArray => checked(length * element!.HeadSize),
            AbiKind.Tuple => components.Sum(c => c.HeadSize),
            _ => 32,
        };
        CanonicalName = kind switch
        {
            AbiKind.UInt => $"uint{size}",
            AbiKind.Int => $"int{size}",
            AbiKind.Address => "address",
            AbiKind.Bool => "bool",
            AbiKind.FixedBytes => $"bytes{size}",
            AbiKind.Bytes => "bytes",
            AbiKind.String => "string",
            AbiKind.Array => $"{element!.CanonicalName}[]",
            AbiKind.FixedArray => $"{element!.CanonicalName}[{length}]",
            _ => "(" + string.Join(",", components.Select(c => c.CanonicalName)) + ")",
        };
    }

    public AbiKind Kind { get; }

    /// <summary>Bits for uint/int (8 to 256), bytes for bytesM (1 to 32); 0 otherwise.</summary>
    public int Size { get; }

    /// <summary>The element type of T[] and T[k].</summary>
    public AbiType? Element { get; }

    /// <summary>k of T[k].</summary>
    public int Length { get; }

    /// <summary>A tuple's component types.</summary>
    public IReadOnlyList<AbiType> Components { get; }

    public bool IsDynamic { get; }

    /// <summary>Bytes the type takes in the head of an enclosing sequence: 32 for a dynamic type (its offset), the whole encoding for a static one.</summary>
    public int HeadSize { get; }

    public string CanonicalName { get; }

    /// <summary>Types that fit one 32-byte word: integers, address, bool, bytesM (an indexed event argument of these types is stored in the topic itself).</summary>
    public bool IsElementary => Kind is AbiKind.UInt or AbiKind.Int or AbiKind.Address or AbiKind.Bool or AbiKind.FixedBytes;

    public static AbiType UInt(int bits) => new(AbiKind.UInt, RequireIntegerBits(bits), null, 0, NoComponents);

    public static AbiType Int(int bits) => new(AbiKind.Int, RequireIntegerBits(bits), null, 0, NoComponents);

    public static AbiType AddressType { get; } = new(AbiKind.Address, 0, null, 0, NoComponents);

    public static AbiType BoolType { get; } = new(AbiKind.Bool, 0, null, 0, NoComponents);

    public static AbiType BytesType { get; } = new(AbiKind.Bytes, 0, null, 0, NoComponents);

    public static AbiType StringType { get; } = new(AbiKind.String, 0, null, 0, NoComponents);

    public static AbiType FixedBytes(int size) =>
        size is >= 1 and <= 32
            ? new(AbiKind.FixedBytes, size, null, 0, NoComponents)
            : throw new FormatException($"bytes{size}: the size must be 1 to 32.");

    public static AbiType ArrayOf(AbiType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(AbiKind.Array, 0, element, 0, NoComponents);
    }

    public static AbiType FixedArrayOf(AbiType element, int length)
    {
        ArgumentNullException.ThrowIfNull(element);
        return length >= 1
            ? new(AbiKind.FixedArray, 0, element, length, NoComponents)
            : throw new FormatException($"Fixed array length must be at least 1; got {length}.");
    }

    public static AbiType Tuple(params IReadOnlyList<AbiType> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return new(AbiKind.Tuple, 0, null, 0, [.. components]);
    }

    /// <summary>
    /// Parses a type: uint&lt;M&gt;, int&lt;M&gt;, uint and int (256 bits), address, bool, bytes&lt;M&gt;, bytes, string,
    /// T[], T[k] and tuples "(T1,T2,...)", nested. Component names inside tuples are allowed and dropped.
    /// </summary>
    public static AbiType Parse(string text) => AbiSignatureParser.ParseType(text);

    public bool Equals(AbiType? other) => other is not null && CanonicalName == other.CanonicalName;

    public override bool Equals(object? obj) => Equals(obj as AbiType);

    public override int GetHashCode() => CanonicalName.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => CanonicalName;

    private static int RequireIntegerBits(int bits) =>
        bits is >= 8 and <= 256 && bits % 8 == 0
            ? bits
            : throw new FormatException($"Integer size {bits} must be a multiple of 8 from 8 to 256.");
}
