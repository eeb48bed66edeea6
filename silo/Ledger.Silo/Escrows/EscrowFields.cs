using System.Numerics;
using Ledger.Core.Escrows;

namespace Ledger.Silo.Escrows;

/// <summary>
/// Whether what the chain says of an escrow agrees with what is recorded: the amount (the token amount),
/// the token, the parties and the deadline. The answer is the reconciler's mismatch kind for the first
/// field that differs, or null when every field given agrees.
/// </summary>
public static class EscrowFields
{
    public const string AmountDiffers = "amount_differs";
    public const string TokenDiffers = "token_differs";
    public const string PayerDiffers = "payer_differs";
    public const string PayeeDiffers = "payee_differs";
    public const string ArbiterDiffers = "arbiter_differs";
    public const string DeadlineDiffers = "deadline_differs";

    /// <summary>The contract keeps the deadline in unix seconds.</summary>
    public static ulong DeadlineSeconds(Escrow escrow)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        return (ulong)escrow.Deadline.ToUnixTimeSeconds();
    }

    /// <summary>Compares the contract's record of the escrow, field by field.</summary>
    public static string? Differs(Escrow escrow, OnChainEscrow onChain, byte[] token)
    {
        ArgumentNullException.ThrowIfNull(onChain);
        return Differs(escrow, token, onChain.Amount, onChain.Token, onChain.Payer, onChain.Payee, onChain.Arbiter, onChain.Deadline);
    }

    /// <summary>Compares an event's fields: Opened carries all of them, Released the payee, Refunded the payer.</summary>
    public static string? Differs(Escrow escrow, EscrowChainEvent chainEvent, byte[] token)
    {
        ArgumentNullException.ThrowIfNull(chainEvent);
        var payer = chainEvent.Kind == EscrowEventKind.Released ? null : chainEvent.Party;
        var payee = chainEvent.Kind == EscrowEventKind.Released ? chainEvent.Party : chainEvent.Payee;
        return Differs(escrow, token, chainEvent.Amount, chainEvent.Token, payer, payee, chainEvent.Arbiter, chainEvent.Deadline);
    }

    private static string? Differs(
        Escrow escrow, byte[] token, BigInteger amount, byte[] eventToken, byte[]? payer, byte[]? payee, byte[]? arbiter, ulong? deadline)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        ArgumentNullException.ThrowIfNull(token);
        if (amount != (BigInteger)escrow.TokenAmount)
        {
            return AmountDiffers;
        }

        if (!Same(eventToken, token))
        {
            return TokenDiffers;
        }

        if (payer is not null && !Same(payer, escrow.Payer))
        {
            return PayerDiffers;
        }

        if (payee is not null && !Same(payee, escrow.Payee))
        {
            return PayeeDiffers;
        }

        if (arbiter is not null && !Same(arbiter, escrow.Arbiter))
        {
            return ArbiterDiffers;
        }

        return deadline is { } seconds && seconds != DeadlineSeconds(escrow) ? DeadlineDiffers : null;
    }

    private static bool Same(byte[] left, byte[] right) => left.AsSpan().SequenceEqual(right);
}
