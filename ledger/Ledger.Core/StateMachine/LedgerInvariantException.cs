namespace Ledger.Core.StateMachine;

/// <summary>
/// A broken invariant: a bug, never a business failure. Nothing catches it to carry on; the commit that
/// raised it is rolled back and the commit pipeline stops.
/// </summary>
public sealed class LedgerInvariantException(string message) : Exception(message);
