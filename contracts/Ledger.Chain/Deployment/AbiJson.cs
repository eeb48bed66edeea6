using System.Text.Json;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Deployment;

/// <summary>
/// Reads a solc JSON ABI into the human-readable signatures the Abi parsers take, so a contract's errors
/// and events come from its compiled artifact rather than from a second hand-written list.
/// </summary>
internal static class AbiJson
{
    public static IReadOnlyList<AbiError> Errors(JsonElement abi) =>
        Entries(abi, "error").Select(e => AbiError.Parse(Signature(e, withNames: false))).ToList();

    public static IReadOnlyList<AbiEvent> Events(JsonElement abi) =>
        Entries(abi, "event")
            .Where(e => !(e.TryGetProperty("anonymous", out var anonymous) && anonymous.ValueKind == JsonValueKind.True))
            .Select(e => AbiEvent.Parse(Signature(e, withNames: true)))
            .ToList();

    /// <summary>The constructor's parameter types; empty when the contract declares no constructor.</summary>
    public static IReadOnlyList<AbiType> ConstructorInputs(JsonElement abi) =>
        Entries(abi, "constructor").Select(e => Inputs(e).Select(p => AbiType.Parse(CanonicalType(p))).ToList())
            .FirstOrDefault() ?? [];

    private static IEnumerable<JsonElement> Entries(JsonElement abi, string kind) =>
        abi.EnumerateArray().Where(e => e.TryGetProperty("type", out var type) && type.GetString() == kind);

    private static IEnumerable<JsonElement> Inputs(JsonElement entry) =>
        entry.TryGetProperty("inputs", out var inputs) ? inputs.EnumerateArray() : [];

    private static string Signature(JsonElement entry, bool withNames)
    {
        var name = entry.GetProperty("name").GetString()
            ?? throw new InvalidDataException("An ABI entry has no name.");
        var parameters = Inputs(entry).Select(p =>
        {
            var text = CanonicalType(p);
            if (p.TryGetProperty("indexed", out var indexed) && indexed.ValueKind == JsonValueKind.True)
            {
                text += " indexed";
            }

            var parameterName = p.TryGetProperty("name", out var n) ? n.GetString() : null;
            return withNames && !string.IsNullOrEmpty(parameterName) ? $"{text} {parameterName}" : text;
        });
        return $"{name}({string.Join(",", parameters)})";
    }

    /// <summary>"tuple[]" with components (bytes32,address) becomes "(bytes32,address)[]".</summary>
    private static string CanonicalType(JsonElement parameter)
    {
        var type = parameter.GetProperty("type").GetString()
            ?? throw new InvalidDataException("An ABI parameter has no type.");
        if (!type.StartsWith("tuple", StringComparison.Ordinal))
        {
            return type;
        }

        var components = parameter.GetProperty("components").EnumerateArray().Select(CanonicalType);
        return $"({string.Join(",", components)}){type["tuple".Length..]}";
    }
}
