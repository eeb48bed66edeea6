using Ledger.Core.Domain;

namespace Ledger.Api.Contracts;

/// <summary>An account's kind, by name on the wire and by number in the ledger.</summary>
public enum AccountCode : ushort
{
    Settlement = 1,
    FxLiquidity = 2,
    FeeIncome = 3,
    MerchantPayable = 4,
    PayoutClearing = 5,
    Escrow = 6,
}

/// <summary>Account flags by name; <c>closed</c> appears in responses only (a closing transfer sets it).</summary>
public enum AccountFlagName
{
    DebitsMustNotExceedCredits,
    CreditsMustNotExceedDebits,
    History,
    Closed,
}

/// <summary>Transfer flags by name.</summary>
public enum TransferFlagName
{
    Pending,
    PostPending,
    VoidPending,
    Linked,
    BalancingDebit,
    BalancingCredit,
    ClosingDebit,
    ClosingCredit,
}

/// <summary>Maps the names of the wire to the ledger's numbers and bits, and back.</summary>
public static class WireEnums
{
    private static readonly (AccountFlagName Name, AccountFlags Flag)[] AccountFlagTable =
    [
        (AccountFlagName.DebitsMustNotExceedCredits, AccountFlags.DebitsMustNotExceedCredits),
        (AccountFlagName.CreditsMustNotExceedDebits, AccountFlags.CreditsMustNotExceedDebits),
        (AccountFlagName.History, AccountFlags.History),
        (AccountFlagName.Closed, AccountFlags.Closed),
    ];

    private static readonly (TransferFlagName Name, TransferFlags Flag)[] TransferFlagTable =
    [
        (TransferFlagName.Pending, TransferFlags.Pending),
        (TransferFlagName.PostPending, TransferFlags.PostPending),
        (TransferFlagName.VoidPending, TransferFlags.VoidPending),
        (TransferFlagName.Linked, TransferFlags.Linked),
        (TransferFlagName.BalancingDebit, TransferFlags.BalancingDebit),
        (TransferFlagName.BalancingCredit, TransferFlags.BalancingCredit),
        (TransferFlagName.ClosingDebit, TransferFlags.ClosingDebit),
        (TransferFlagName.ClosingCredit, TransferFlags.ClosingCredit),
    ];

    public static AccountFlags ToFlags(AccountFlagName name) => AccountFlagTable.First(e => e.Name == name).Flag;

    public static TransferFlags ToFlags(TransferFlagName name) => TransferFlagTable.First(e => e.Name == name).Flag;

    public static IReadOnlyList<AccountFlagName> Names(AccountFlags flags) =>
        [.. AccountFlagTable.Where(e => (flags & e.Flag) != 0).Select(e => e.Name)];

    public static IReadOnlyList<TransferFlagName> Names(TransferFlags flags) =>
        [.. TransferFlagTable.Where(e => (flags & e.Flag) != 0).Select(e => e.Name)];

    /// <summary>The account code's wire name, or its number for a code this API does not name.</summary>
    public static string AccountCodeName(ushort code) =>
        Enum.IsDefined((AccountCode)code)
            ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(((AccountCode)code).ToString())
            : code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
