using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>Typed binding of TestUSD: an ERC-20 with six decimals, minting by MINTER_ROLE, and EIP-2612 permit.</summary>
public sealed class TestUsdContract
{
    public static readonly AbiFunction Mint = AbiFunction.Parse("mint(address to,uint256 amount)");
    public static readonly AbiFunction Approve = AbiFunction.Parse("approve(address spender,uint256 value)", "bool");
    public static readonly AbiFunction Transfer = AbiFunction.Parse("transfer(address to,uint256 value)", "bool");
    public static readonly AbiFunction BalanceOf = AbiFunction.Parse("balanceOf(address account)", "uint256");
    public static readonly AbiFunction Allowance = AbiFunction.Parse("allowance(address owner,address spender)", "uint256");
    public static readonly AbiFunction Decimals = AbiFunction.Parse("decimals()", "uint8");
    public static readonly AbiFunction Nonces = AbiFunction.Parse("nonces(address owner)", "uint256");
    public static readonly AbiFunction DomainSeparator = AbiFunction.Parse("DOMAIN_SEPARATOR()", "bytes32");
    public static readonly AbiFunction Permit =
        AbiFunction.Parse("permit(address owner,address spender,uint256 value,uint256 deadline,uint8 v,bytes32 r,bytes32 s)");

    public TestUsdContract(Address address, EthClient eth, TransactionSender? sender)
        : this(new ContractClient(ContractArtifacts.TestUsd, address, eth, sender))
    {
    }

    public TestUsdContract(ContractClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public ContractClient Client { get; }

    public Address Address => Client.Address;

    public TestUsdContract WithSender(TransactionSender sender) => new(Client.WithSender(sender));

    public Task<RpcReceipt> MintAsync(Address to, BigInteger amount, CancellationToken cancellationToken) =>
        Client.ExecuteAsync(Mint, [to, amount], cancellationToken);

    public Task<RpcReceipt> ApproveAsync(Address spender, BigInteger amount, CancellationToken cancellationToken) =>
        Client.ExecuteAsync(Approve, [spender, amount], cancellationToken);

    public Task<RpcReceipt> TransferAsync(Address to, BigInteger amount, CancellationToken cancellationToken) =>
        Client.ExecuteAsync(Transfer, [to, amount], cancellationToken);

    /// <summary>Submits a signed permit (anyone may; the signature is the owner's).</summary>
    public Task<RpcReceipt> PermitAsync(PermitSignature permit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permit);
        return Client.ExecuteAsync(
            Permit,
            [permit.Owner, permit.Spender, permit.Value, permit.Deadline, permit.V, permit.R, permit.S],
            cancellationToken);
    }

    public async Task<BigInteger> BalanceOfAsync(Address account, BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Integer((await Client.CallAsync(BalanceOf, block, cancellationToken, account))[0], "balanceOf");

    public async Task<BigInteger> AllowanceAsync(Address owner, Address spender, BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Integer((await Client.CallAsync(Allowance, block, cancellationToken, owner, spender))[0], "allowance");

    /// <summary>The token's decimals (any ERC-20 with the optional metadata answers it).</summary>
    public async Task<BigInteger> DecimalsAsync(BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Integer((await Client.CallAsync(Decimals, block, cancellationToken))[0], "decimals");

    public async Task<BigInteger> NoncesAsync(Address owner, BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Integer((await Client.CallAsync(Nonces, block, cancellationToken, owner))[0], "nonces");

    public async Task<Hash32> DomainSeparatorAsync(BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Bytes32((await Client.CallAsync(DomainSeparator, block, cancellationToken))[0], "DOMAIN_SEPARATOR");
}
