using Ledger.Chain.Crypto;

namespace Ledger.Chain.Abi;

/// <summary>A Solidity custom error (or the built-in Error(string) and Panic(uint256)): revert data is its selector, then its arguments.</summary>
public sealed class AbiError
{
    private AbiError(string name, IReadOnlyList<AbiParameter> inputs)
    {
        Name = name;
        Inputs = inputs;
        InputTypes = [.. inputs.Select(p => p.Type)];
        Signature = AbiSignatureParser.Canonical(name, InputTypes);
        Selector = Keccak256.Hash(Signature)[..4];
    }

    public string Name { get; }

    public IReadOnlyList<AbiParameter> Inputs { get; }

    public IReadOnlyList<AbiType> InputTypes { get; }

    public string Signature { get; }

    public byte[] Selector { get; }

    public static AbiError Parse(string signature)
    {
        var (name, inputs) = AbiSignatureParser.ParseSignature(signature, allowIndexed: false);
        return new AbiError(name, inputs);
    }

    /// <summary>Revert data for this error with the given arguments (what a contract's "revert Name(args)" returns).</summary>
    public byte[] Encode(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [.. Selector, .. AbiCodec.Encode(InputTypes, args)];
    }

    public bool Matches(ReadOnlySpan<byte> revertData) => revertData.Length >= 4 && revertData[..4].SequenceEqual(Selector);

    public override string ToString() => Signature;
}
