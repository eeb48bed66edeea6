namespace Ledger.Chain.Abi;

/// <summary>Reads revert data as Error(string), Panic(uint256) or one of a contract's custom errors.</summary>
public static class AbiErrors
{
    /// <summary>What require(cond, "message") and revert("message") return.</summary>
    public static AbiError Error { get; } = AbiError.Parse("Error(string)");

    /// <summary>What failed asserts, arithmetic overflow, division by zero and out-of-bounds indexing return (Solidity 0.8+).</summary>
    public static AbiError Panic { get; } = AbiError.Parse("Panic(uint256)");

    /// <summary>
    /// The error whose selector starts <paramref name="revertData"/>, with its decoded arguments; null when the data is empty,
    /// matches no known selector, or its arguments do not decode.
    /// </summary>
    public static DecodedError? TryDecode(ReadOnlySpan<byte> revertData, IReadOnlyList<AbiError> knownErrors)
    {
        ArgumentNullException.ThrowIfNull(knownErrors);
        foreach (var error in knownErrors.Prepend(Error).Prepend(Panic))
        {
            if (!error.Matches(revertData))
            {
                continue;
            }
            try
            {
                return new DecodedError(error, AbiCodec.Decode(error.InputTypes, revertData[4..]));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    public static DecodedError? TryDecode(ReadOnlySpan<byte> revertData) => TryDecode(revertData, []);
}
