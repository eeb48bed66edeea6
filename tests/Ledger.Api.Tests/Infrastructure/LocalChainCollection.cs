namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// Test classes whose nodes start a local anvil: one at a time, since each node prefers port 8545 and two
/// starting together could both find it free.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalChainCollection
{
    public const string Name = "local chain";
}
