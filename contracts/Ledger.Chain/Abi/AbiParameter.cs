namespace Ledger.Chain.Abi;

/// <summary>A named parameter of a function, event or error; Name is empty when the signature gives none.</summary>
public sealed record AbiParameter(string Name, AbiType Type, bool Indexed = false);
