namespace Ledger.Core.Domain;

/// <summary>The outcome of one account event, after TigerBeetle's CreateAccountResult.</summary>
public enum CreateAccountResult : byte
{
    Created = 0,
    LinkedEventFailed,
    LinkedEventChainOpen,
    IdMustNotBeZero,
    IdMustNotBeIntMax,
    ReservedFlag,
    FlagsAreMutuallyExclusive,
    BalancesMustBeZero,
    LedgerMustNotBeZero,
    CodeMustNotBeZero,
    ExistsWithDifferentFlags,
    ExistsWithDifferentUserData128,
    ExistsWithDifferentUserData64,
    ExistsWithDifferentUserData32,
    ExistsWithDifferentLedger,
    ExistsWithDifferentCode,
    Exists,
}
