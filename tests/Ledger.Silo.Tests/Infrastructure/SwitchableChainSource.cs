using Ledger.Silo.Settlement;

namespace Ledger.Silo.Tests.Infrastructure;

/// <summary>A chain source the test sets: none (a node without a chain), or a given anchor client.</summary>
public sealed class SwitchableChainSource : IAnchorChainSource
{
    public IAnchorChain? Current { get; set; }
}
