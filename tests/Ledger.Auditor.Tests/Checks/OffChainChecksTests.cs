using System.Text.Json.Nodes;
using Ledger.Auditor.Checks;
using Ledger.Auditor.Proofs;
using Ledger.Auditor.Tests.Infrastructure;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Tests.Checks;

public sealed class OffChainChecksTests
{
    public static TheoryData<int, int> Trees => new() { { 0, 1 }, { 0, 2 }, { 2, 3 }, { 5, 8 }, { 8, 9 }, { 17, 33 }, { 99, 100 }, { 41, 1000 } };

    [Theory]
    [MemberData(nameof(Trees))]
    public void A_correct_proof_passes_every_off_chain_check(int leafIndex, int treeSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);

        var results = Run(proof);

        Assert.All(results, r => Assert.Equal(CheckStatus.Passed, r.Status));
        Assert.Equal([CheckNames.RecordFields, CheckNames.LeafHash, CheckNames.Inclusion], results.Select(r => r.Name));
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void A_flipped_record_byte_fails_the_leaf_hash_and_the_inclusion(int leafIndex, int treeSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        var record = Hex.FromHex((string)proof["record"]!);
        record[new Random(treeSize).Next(128)] ^= 0x10;
        proof["record"] = Hex.ToHex(record);

        var results = Run(proof);

        Assert.Equal(CheckStatus.Failed, Status(results, CheckNames.LeafHash));
        Assert.Equal(CheckStatus.Failed, Status(results, CheckNames.Inclusion));
        Assert.Equal(CheckStatus.Failed, Status(results, CheckNames.RecordFields));
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void A_flipped_leaf_hash_byte_fails_only_the_leaf_hash(int leafIndex, int treeSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        var leaf = Hex.FromHex((string)proof["leaf_hash"]!);
        leaf[31] ^= 0x01;
        proof["leaf_hash"] = Hex.ToHex(leaf);

        var results = Run(proof);

        Assert.Equal([CheckNames.LeafHash], Failed(results));
        Assert.Contains("expected keccak256(0x00 || record)", results.Single(r => r.Name == CheckNames.LeafHash).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 8)]
    [InlineData(17, 33)]
    [InlineData(41, 1000)]
    public void A_flipped_path_byte_or_root_byte_fails_only_the_inclusion(int leafIndex, int treeSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        var path = (JsonArray)proof["audit_path"]!;
        var hash = Hex.FromHex((string)path[1]!);
        hash[0] ^= 0x80;
        path[1] = Hex.ToHex(hash);
        Assert.Equal([CheckNames.Inclusion], Failed(Run(proof)));

        var (other, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        var root = Hex.FromHex((string)other["root"]!);
        root[7] ^= 0x02;
        other["root"] = Hex.ToHex(root);
        var results = Run(other);
        Assert.Equal([CheckNames.Inclusion], Failed(results));
        Assert.Contains("expected root", results.Single(r => r.Name == CheckNames.Inclusion).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 8)]
    [InlineData(17, 33)]
    [InlineData(41, 1000)]
    public void A_wrong_index_fails_the_inclusion_and_the_log_index(int leafIndex, int treeSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        proof["leaf_index"] = leafIndex + 1;

        var results = Run(proof);

        Assert.Equal([CheckNames.RecordFields, CheckNames.Inclusion], Failed(results));
        Assert.Contains("log_index: leaf_index has", results[0].Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(5, 8, 9)]
    [InlineData(17, 33, 32)]
    [InlineData(41, 1000, 2000)]
    public void A_wrong_size_that_changes_the_path_shape_fails_only_the_inclusion(int leafIndex, int treeSize, int claimedSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        proof["tree_size"] = claimedSize;

        Assert.Equal([CheckNames.Inclusion], Failed(Run(proof)));
    }

    /// <summary>
    /// RFC 9162 folds a path by its shape alone, and index 5 has the same shape in trees of 7 and 8 leaves:
    /// the proof alone cannot bind tree_size. The contract does, which is why anchor_contract compares it.
    /// </summary>
    [Theory]
    [InlineData(5, 8, 7)]
    [InlineData(41, 1000, 1001)]
    public void A_wrong_size_with_the_same_path_shape_is_left_to_the_contract_check(int leafIndex, int treeSize, int claimedSize)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), leafIndex, treeSize, seed: treeSize);
        proof["tree_size"] = claimedSize;

        Assert.Empty(Failed(Run(proof)));
    }

    [Theory]
    [InlineData("amount", "1000", "amount: record has 340282366920938463463374607431768211455, transfer has 1000")]
    [InlineData("id", "0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e10", "id: record has 0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f")]
    [InlineData("reference", null, "reference: record has ffeeddcc-bbaa-4988-8776-655443322110, transfer has null")]
    [InlineData("user_data_64", "7", "user_data_64: record has 18446744073709551615, transfer has 7")]
    [InlineData("timestamp_ns", "1760000000123456788", "timestamp_ns")]
    [InlineData("currency", "EUR", "currency: record has ledger 840, transfer has 'EUR' (ledger 978)")]
    [InlineData("debit_account_id", "not-a-uuid", "debit_account_id: the transfer has \"not-a-uuid\", not a UUID")]
    public void A_changed_transfer_field_fails_only_the_record_fields_and_names_the_field(string field, string? value, string expected)
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), 3, 10, seed: 10);
        proof["transfer"]![field] = value;

        var results = Run(proof);

        Assert.Equal([CheckNames.RecordFields], Failed(results));
        Assert.Contains(expected, results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_where_the_api_writes_strings_and_missing_fields_are_named()
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), 3, 10, seed: 10);
        proof["transfer"]!["amount"] = 5;
        proof["transfer"]!.AsObject().Remove("code");

        var detail = Run(proof)[0].Detail;

        Assert.Contains("amount: the transfer has 5, not an unsigned integer string", detail, StringComparison.Ordinal);
        Assert.Contains("code: the transfer has no 'code'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_compare_as_sets_of_names_and_unknown_names_fail()
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), 0, 4, seed: 4);
        proof["transfer"]!["flags"] = new JsonArray("closing_credit", "linked", "closing_debit", "pending");
        Assert.Empty(Failed(Run(proof)));

        proof["transfer"]!["flags"] = new JsonArray("linked", "pending", "closing_debit");
        Assert.Contains("flags: record has [linked, pending, closing_debit, closing_credit], transfer has [linked, pending, closing_debit]", Run(proof)[0].Detail, StringComparison.Ordinal);

        proof["transfer"]!["flags"] = new JsonArray("linked", "frozen");
        Assert.Contains("unknown flag \"frozen\"", Run(proof)[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_flag_bits_in_the_record_fail()
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer { Flags = 0x0100, FlagNames = [] }, 1, 4, seed: 4);

        var results = Run(proof);

        Assert.Equal([CheckNames.RecordFields], Failed(results));
        Assert.Contains("undefined bits 0x0100", results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ledger_is_compared_through_a_ledger_field_a_numeric_currency_or_a_documented_code_and_otherwise_noted()
    {
        var transfer = new TestTransfer { Ledger = 1_000_001, Currency = "USDC" };
        var (proof, _) = ProofFixture.Build(transfer, 1, 4, seed: 4);
        Assert.Empty(Failed(Run(proof)));

        proof["transfer"]!["currency"] = "1000001";
        Assert.Empty(Failed(Run(proof)));

        proof["transfer"]!["currency"] = "XAU";
        var noted = Run(proof)[0];
        Assert.Equal(CheckStatus.Passed, noted.Status);
        Assert.Contains("ledger 1000001 not compared: currency 'XAU'", noted.Detail, StringComparison.Ordinal);

        proof["transfer"]!["ledger"] = 1_000_002;
        Assert.Contains("ledger: record has 1000001, transfer has 1000002", Run(proof)[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pending_id_and_no_reference_compare_as_uuid_and_null()
    {
        var transfer = new TestTransfer
        {
            PendingId = Guid.Parse("0190a3c4-0000-7000-8000-0000000000cc"),
            Reference = null,
            Flags = 0b100,
            FlagNames = ["post_pending"],
        };
        var (proof, _) = ProofFixture.Build(transfer, 2, 5, seed: 5);
        Assert.Empty(Failed(Run(proof)));

        proof["transfer"]!["pending_id"] = null;
        Assert.Contains("pending_id: record has 0190a3c4-0000-7000-8000-0000000000cc, transfer has null", Run(proof)[0].Detail, StringComparison.Ordinal);
    }

    private static List<CheckResult> Run(JsonObject proof) => [.. OffChainChecks.Run(ProofDocument.Parse(proof.ToJsonString()))];

    private static CheckStatus Status(IEnumerable<CheckResult> results, string name) => results.Single(r => r.Name == name).Status;

    private static List<string> Failed(IEnumerable<CheckResult> results) => [.. results.Where(r => r.Status != CheckStatus.Passed).Select(r => r.Name)];
}
