using System.Reflection;
using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Rules;

/// <summary>
/// Every result code has a test named after it: the method is the member's name, or the name followed
/// by an underscore and what the test shows.
/// </summary>
public sealed class ResultCoverageTests
{
    [Fact]
    public void Every_CreateTransferResult_has_a_test_named_after_it() =>
        AssertCovered<CreateTransferResult>(typeof(TransferResultTests<>));

    [Fact]
    public void Every_CreateAccountResult_has_a_test_named_after_it() =>
        AssertCovered<CreateAccountResult>(typeof(AccountResultTests<>));

    [Fact]
    public void Wire_names_are_the_snake_case_of_the_members()
    {
        Assert.Equal("exists_with_different_user_data_128", CreateTransferResult.ExistsWithDifferentUserData128.Name());
        Assert.Equal("linked_event_chain_open", CreateTransferResult.LinkedEventChainOpen.Name());
        Assert.Equal("pending_transfer_expired", CreateTransferResult.PendingTransferExpired.Name());
        Assert.Equal("id_must_not_be_int_max", CreateAccountResult.IdMustNotBeIntMax.Name());
        Assert.Equal("exists_with_different_user_data_64", CreateAccountResult.ExistsWithDifferentUserData64.Name());
        Assert.Equal(
            Enum.GetValues<CreateTransferResult>().Length,
            Enum.GetValues<CreateTransferResult>().Select(r => r.Name()).Distinct().Count());
    }

    private static void AssertCovered<TResult>(Type testClass)
        where TResult : struct, Enum
    {
        var tests = testClass
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            .Select(m => m.Name)
            .ToList();
        var missing = Enum.GetNames<TResult>()
            .Where(name => !tests.Any(test => test == name || test.StartsWith(name + "_", StringComparison.Ordinal)))
            .ToList();
        Assert.True(missing.Count == 0, $"No test named after: {string.Join(", ", missing)}");
    }
}
