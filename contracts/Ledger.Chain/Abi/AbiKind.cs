namespace Ledger.Chain.Abi;

/// <summary>The kinds of Solidity ABI type this codec handles.</summary>
public enum AbiKind
{
    UInt,
    Int,
    Address,
    Bool,
    /// <summary>bytes1 to bytes32.</summary>
    FixedBytes,
    /// <summary>Dynamic bytes.</summary>
    Bytes,
    String,
    /// <summary>T[]: a length, then the elements.</summary>
    Array,
    /// <summary>T[k]: k elements, no length.</summary>
    FixedArray,
    Tuple,
}
