using Ledger.Core.Settlement;
using Ledger.Silo.Settlement;

namespace Ledger.Silo.Tests.Infrastructure;

/// <summary>
/// A real anchor client whose next submission "crashes" right after the signed transaction is recorded
/// and before it is sent: the record callback runs, then <see cref="SimulatedCrashException"/> is thrown
/// inside the sender, which gives the nonce back and sends nothing, as a dying process would.
/// </summary>
public sealed class CrashAfterRecordChain(IAnchorChain inner) : IAnchorChain
{
    public int Crashes { get; private set; }

    public Task<AnchorChainHead> GetLatestAsync(CancellationToken cancellationToken) => inner.GetLatestAsync(cancellationToken);

    public Task<SignedAnchor> SubmitAsync(
        ulong treeSize, byte[] root, IReadOnlyList<byte[]> consistencyProof, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        inner.SubmitAsync(treeSize, root, consistencyProof, async (signed, token) =>
        {
            await recordAsync(signed, token);
            Crashes++;
            throw new SimulatedCrashException();
        }, cancellationToken);

    public Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken) => inner.ResendAsync(rawTx, cancellationToken);

    public Task<AnchorCheck> CheckAsync(AnchorState anchor, CancellationToken cancellationToken) => inner.CheckAsync(anchor, cancellationToken);

    public Task<AnchorInclusion?> FindAnchorAsync(ulong treeSize, byte[] root, CancellationToken cancellationToken) => inner.FindAnchorAsync(treeSize, root, cancellationToken);
}

public sealed class SimulatedCrashException() : Exception("Simulated crash between recording the anchor and sending it.");
