using Ledger.Chain.Crypto;

namespace Ledger.Chain.Local;

/// <summary>
/// The dev accounts every anvil (and hardhat) node funds from the default mnemonic "test test ... junk".
/// These keys are public knowledge: they are for local chains only and must never hold real value.
/// </summary>
public static class DevKeys
{
    /// <summary>Account 0 (0xf39F…2266): the key the embedded node anchors and pays out with.</summary>
    public const string FirstPrivateKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    /// <summary>Account 1 (0x7099…79C8).</summary>
    public const string SecondPrivateKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    /// <summary>Account 2 (0x3C44…93BC).</summary>
    public const string ThirdPrivateKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

    public static EthKey First => EthKey.FromHex(FirstPrivateKey);

    public static EthKey Second => EthKey.FromHex(SecondPrivateKey);

    public static EthKey Third => EthKey.FromHex(ThirdPrivateKey);
}
