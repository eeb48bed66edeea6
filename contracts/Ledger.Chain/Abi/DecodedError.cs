namespace Ledger.Chain.Abi;

/// <summary>Revert data read as a known error, with its arguments.</summary>
public sealed record DecodedError(AbiError Error, IReadOnlyList<object?> Arguments)
{
    public string Name => Error.Name;

    /// <summary>The Error(string) message, when this is one.</summary>
    public string? Message => Error.Signature == AbiErrors.Error.Signature ? Arguments[0] as string : null;

    public override string ToString() =>
        $"{Error.Name}({string.Join(", ", Arguments.Select(Format))})";

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Encoding.Hex.ToHex(bytes),
        string text => $"\"{text}\"",
        object?[] items => "[" + string.Join(", ", items.Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };
}
