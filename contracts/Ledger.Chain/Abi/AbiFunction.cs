using Ledger.Chain.Crypto;

namespace Ledger.Chain.Abi;

/// <summary>A contract function: its selector (first 4 bytes of keccak256 of the canonical signature), call encoding and output decoding.</summary>
public sealed class AbiFunction
{
    private AbiFunction(string name, IReadOnlyList<AbiParameter> inputs, IReadOnlyList<AbiParameter> outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        InputTypes = [.. inputs.Select(p => p.Type)];
        OutputTypes = [.. outputs.Select(p => p.Type)];
        Signature = AbiSignatureParser.Canonical(name, InputTypes);
        Selector = Keccak256.Hash(Signature)[..4];
    }

    public string Name { get; }

    public IReadOnlyList<AbiParameter> Inputs { get; }

    public IReadOnlyList<AbiParameter> Outputs { get; }

    public IReadOnlyList<AbiType> InputTypes { get; }

    public IReadOnlyList<AbiType> OutputTypes { get; }

    /// <summary>The canonical signature, e.g. "anchor(uint64,bytes32,bytes32[])".</summary>
    public string Signature { get; }

    public byte[] Selector { get; }

    /// <summary>
    /// Parses "name(T1 [a], T2 [b], ...)". <paramref name="outputs"/> is the parenthesised list Solidity writes after
    /// "returns", e.g. "(uint64,bytes32)"; a bare type such as "uint256" is one output. Null means no outputs.
    /// </summary>
    public static AbiFunction Parse(string signature, string? outputs = null)
    {
        var (name, inputs) = AbiSignatureParser.ParseSignature(signature, allowIndexed: false);
        IReadOnlyList<AbiParameter> outputParameters = outputs switch
        {
            null => [],
            _ when outputs.TrimStart().StartsWith('(') => AbiSignatureParser.ParseParameterList(outputs),
            _ => [new AbiParameter("", AbiType.Parse(outputs))],
        };
        return new AbiFunction(name, inputs, outputParameters);
    }

    /// <summary>Parses the signature with one output type per list entry.</summary>
    public static AbiFunction Parse(string signature, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var (name, inputs) = AbiSignatureParser.ParseSignature(signature, allowIndexed: false);
        return new AbiFunction(name, inputs, [.. outputs.Select(o => new AbiParameter("", AbiType.Parse(o)))]);
    }

    /// <summary>
    /// Calldata: the selector, then the arguments ABI-encoded. A single argument that is itself an object[] must be wrapped
    /// (EncodeCall([array])), or C# params spreads it into several arguments.
    /// </summary>
    public byte[] EncodeCall(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [.. Selector, .. AbiCodec.Encode(InputTypes, args)];
    }

    /// <summary>The arguments of calldata for this function; refused when the selector differs.</summary>
    public object?[] DecodeCall(ReadOnlySpan<byte> calldata)
    {
        if (calldata.Length < 4 || !calldata[..4].SequenceEqual(Selector))
        {
            throw new FormatException($"Calldata does not start with the selector of {Signature}.");
        }
        return AbiCodec.Decode(InputTypes, calldata[4..]);
    }

    public object?[] DecodeOutput(ReadOnlySpan<byte> data) => AbiCodec.Decode(OutputTypes, data);

    public override string ToString() => Signature;
}
