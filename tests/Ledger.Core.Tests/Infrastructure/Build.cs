using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>Terse builders for accounts and transfers with sensible defaults (ledger 1, code 1).</summary>
public static class Build
{
    public static readonly UInt128 Max = UInt128.MaxValue;

    /// <summary>2^127: two of these overflow an unsigned 128-bit balance, one does not.</summary>
    public static readonly UInt128 TwoTo127 = UInt128.One << 127;

    public static Account Account(UInt128 id, uint ledger = 1, ushort code = 10, AccountFlags flags = AccountFlags.None, UInt128 owner = default) =>
        new() { Id = id, Ledger = ledger, Code = code, Flags = flags, UserData128 = owner };

    public static Transfer Transfer(
        UInt128 id,
        UInt128 debit,
        UInt128 credit,
        UInt128 amount,
        TransferFlags flags = TransferFlags.None,
        uint ledger = 1,
        ushort code = 1,
        uint timeoutSeconds = 0) =>
        new()
        {
            Id = id,
            DebitAccountId = debit,
            CreditAccountId = credit,
            Amount = amount,
            Flags = flags,
            Ledger = ledger,
            Code = code,
            TimeoutSeconds = timeoutSeconds,
        };

    public static Transfer Pending(UInt128 id, UInt128 debit, UInt128 credit, UInt128 amount, uint timeoutSeconds = 0, TransferFlags flags = TransferFlags.None) =>
        Transfer(id, debit, credit, amount, flags | TransferFlags.Pending, timeoutSeconds: timeoutSeconds);

    /// <summary>A post naming only the pending transfer; <see cref="Domain.Transfer.AmountMax"/> posts the whole amount.</summary>
    public static Transfer Post(UInt128 id, UInt128 pendingId, UInt128? amount = null, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, PendingId = pendingId, Amount = amount ?? Domain.Transfer.AmountMax, Flags = flags | TransferFlags.PostPending };

    public static Transfer Void(UInt128 id, UInt128 pendingId, UInt128? amount = null, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, PendingId = pendingId, Amount = amount ?? Domain.Transfer.AmountMax, Flags = flags | TransferFlags.VoidPending };

    public static Transfer Linked(this Transfer transfer) => transfer with { Flags = transfer.Flags | TransferFlags.Linked };

    public static Account Linked(this Account account) => account with { Flags = account.Flags | AccountFlags.Linked };
}
