using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Deployment;

/// <summary>One compiled contract: its ABI, its creation and runtime bytecode, and the errors and events its ABI declares.</summary>
public sealed class ContractArtifact
{
    private readonly byte[] _bytecode;
    private readonly byte[] _deployedBytecode;

    internal ContractArtifact(string name, JsonElement abi, byte[] bytecode, byte[] deployedBytecode)
    {
        Name = name;
        Abi = abi;
        _bytecode = bytecode;
        _deployedBytecode = deployedBytecode;
        Errors = AbiJson.Errors(abi);
        Events = AbiJson.Events(abi);
        ConstructorInputs = AbiJson.ConstructorInputs(abi);
    }

    public string Name { get; }

    public JsonElement Abi { get; }

    /// <summary>The custom errors the ABI declares (Error(string) and Panic(uint256) are always known besides).</summary>
    public IReadOnlyList<AbiError> Errors { get; }

    public IReadOnlyList<AbiEvent> Events { get; }

    public IReadOnlyList<AbiType> ConstructorInputs { get; }

    public byte[] Bytecode => _bytecode.ToArray();

    public byte[] DeployedBytecode => _deployedBytecode.ToArray();

    /// <summary>The init code of a deployment: the creation bytecode followed by the ABI-encoded constructor arguments.</summary>
    public byte[] DeploymentData(params object?[] constructorArguments)
    {
        ArgumentNullException.ThrowIfNull(constructorArguments);
        if (constructorArguments.Length != ConstructorInputs.Count)
        {
            throw new ArgumentException(
                $"{Name}'s constructor takes {ConstructorInputs.Count} argument(s); {constructorArguments.Length} given.", nameof(constructorArguments));
        }

        return [.. _bytecode, .. AbiCodec.Encode(ConstructorInputs, constructorArguments)];
    }

    public AbiEvent Event(string name) =>
        Events.FirstOrDefault(e => e.Name == name)
        ?? throw new KeyNotFoundException($"{Name}'s ABI declares no event {name}.");

    internal static ContractArtifact Read(string name, Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var contractName = root.GetProperty("contractName").GetString();
        if (contractName != name)
        {
            throw new InvalidDataException($"The artifact for {name} names the contract {contractName}.");
        }

        var bytecode = Hex.FromHex(root.GetProperty("bytecode").GetString() ?? string.Empty);
        var deployed = Hex.FromHex(root.GetProperty("deployedBytecode").GetString() ?? string.Empty);
        if (bytecode.Length == 0 || deployed.Length == 0)
        {
            throw new InvalidDataException($"The artifact for {name} has no bytecode.");
        }

        return new ContractArtifact(name, root.GetProperty("abi").Clone(), bytecode, deployed);
    }
}
