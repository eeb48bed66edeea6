using Ledger.Chain.Abi;

namespace Ledger.Chain.Contracts;

/// <summary>
/// A contract call or transaction reverted. When the revert data matched an error the contract's ABI
/// declares (or Error(string) / Panic(uint256)), <see cref="ErrorName"/> and <see cref="Arguments"/>
/// say which, with its arguments decoded; otherwise <see cref="ErrorName"/> is null.
/// </summary>
public sealed class ContractRevertException : Exception
{
    public ContractRevertException(string contract, string function, DecodedError? error, string reason, byte[]? revertData, Exception? inner = null)
        : base($"{contract}.{function} reverted: {error?.ToString() ?? reason}", inner)
    {
        Contract = contract;
        Function = function;
        Error = error;
        RevertData = revertData;
    }

    public string Contract { get; }

    public string Function { get; }

    public DecodedError? Error { get; }

    public string? ErrorName => Error?.Name;

    public IReadOnlyList<object?> Arguments => Error?.Arguments ?? [];

    /// <summary>The raw revert data when the node reported it (calls and estimates do; mined transactions do not).</summary>
    public byte[]? RevertData { get; }
}
