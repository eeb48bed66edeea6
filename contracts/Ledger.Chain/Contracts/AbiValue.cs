using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>Typed reads of decoded ABI values (integers come back as BigInteger, bytes32 as byte[]).</summary>
internal static class AbiValue
{
    public static BigInteger Integer(object? value, string what) =>
        value is BigInteger integer ? integer : throw Wrong(what, "an integer", value);

    public static ulong UInt64(object? value, string what)
    {
        var integer = Integer(value, what);
        return integer >= 0 && integer <= ulong.MaxValue ? (ulong)integer : throw Wrong(what, "a 64-bit unsigned integer", value);
    }

    public static Hash32 Bytes32(object? value, string what) =>
        value is byte[] { Length: 32 } bytes ? Hash32.FromBytes(bytes) : throw Wrong(what, "32 bytes", value);

    public static Address AddressOf(object? value, string what) =>
        value is Address address ? address : throw Wrong(what, "an address", value);

    public static bool Bool(object? value, string what) =>
        value is bool flag ? flag : throw Wrong(what, "a bool", value);

    public static object?[] Bytes32List(IEnumerable<Hash32> hashes) => hashes.Select(h => (object?)h.ToBytes()).ToArray();

    private static FormatException Wrong(string what, string expected, object? value) =>
        new($"{what}: expected {expected}, got {(value is null ? "null" : value.GetType().Name)}.");
}
