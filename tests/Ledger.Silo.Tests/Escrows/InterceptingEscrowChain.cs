using System.Numerics;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Silo.Escrows;

namespace Ledger.Silo.Tests.Escrows;

/// <summary>
/// A real escrow client that runs <see cref="AfterRecord"/> once, right after the next signed transaction
/// is recorded and before it is sent: where a test makes the world change under a recorded transaction
/// (the payer's tokens moved away, so the open reverts when mined).
/// </summary>
public sealed class InterceptingEscrowChain(IEscrowChain inner) : IEscrowChain
{
    public Func<SignedAnchor, CancellationToken, Task>? AfterRecord { get; set; }

    /// <summary>The transactions recorded through this client, in order.</summary>
    public List<SignedAnchor> Recorded { get; } = [];

    public int Confirmations => inner.Confirmations;

    public byte[] Token => inner.Token;

    public ulong FirstBlock => inner.FirstBlock;

    public Task<ulong> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);

    public Task<SignedAnchor> SubmitAsync(Escrow escrow, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        inner.SubmitAsync(escrow, async (signed, token) =>
        {
            await recordAsync(signed, token);
            Recorded.Add(signed);
            if (AfterRecord is { } action)
            {
                AfterRecord = null;
                await action(signed, token);
            }
        }, cancellationToken);

    public Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken) => inner.ResendAsync(rawTx, cancellationToken);

    public Task<EscrowCheck> CheckAsync(Escrow escrow, CancellationToken cancellationToken) => inner.CheckAsync(escrow, cancellationToken);

    public Task<IReadOnlyList<OnChainEscrow>> GetEscrowsAsync(IReadOnlyList<UInt128> escrowIds, ulong? block, CancellationToken cancellationToken) =>
        inner.GetEscrowsAsync(escrowIds, block, cancellationToken);

    public Task<IReadOnlyList<EscrowChainEvent>> GetEventsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken) =>
        inner.GetEventsAsync(fromBlock, toBlock, cancellationToken);

    public Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken) => inner.ArePaidAsync(payoutIds, cancellationToken);

    public Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken) => inner.TreasuryBalanceAsync(cancellationToken);
}
