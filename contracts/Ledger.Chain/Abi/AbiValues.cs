using System.Collections;
using System.Numerics;

namespace Ledger.Chain.Abi;

/// <summary>Turns the .NET values callers pass into what the encoder needs, refusing what does not fit the ABI type.</summary>
internal static class AbiValues
{
    public static BigInteger ToInteger(AbiType type, object? value)
    {
        BigInteger integer = value switch
        {
            BigInteger b => b,
            ulong u => u,
            long l => l,
            uint u => u,
            int i => i,
            ushort u => u,
            short s => s,
            byte b => b,
            sbyte s => s,
            UInt128 u => u,
            Int128 i => i,
            _ => throw WrongValue(type, value, "an integer (BigInteger, ulong, long, uint, int, UInt128 ...)"),
        };
        var (min, max) = Range(type);
        if (integer < min || integer > max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), integer, $"Value is outside the range of {type}.");
        }
        return integer;
    }

    public static (BigInteger Min, BigInteger Max) Range(AbiType type) => type.Kind == AbiKind.UInt
        ? (BigInteger.Zero, (BigInteger.One << type.Size) - 1)
        : (-(BigInteger.One << (type.Size - 1)), (BigInteger.One << (type.Size - 1)) - 1);

    public static IList ToList(AbiType type, object? value, int? requiredCount)
    {
        if (value is not IList list || value is string)
        {
            throw WrongValue(type, value, "a list (object?[] or any IList)");
        }
        if (requiredCount is { } count && list.Count != count)
        {
            throw new ArgumentException($"{type} needs {count} value(s); got {list.Count}.");
        }
        return list;
    }

    public static ArgumentException WrongValue(AbiType type, object? value, string expected) =>
        new($"A value of ABI type {type} must be {expected}; got {(value is null ? "null" : value.GetType().Name)}.");
}
