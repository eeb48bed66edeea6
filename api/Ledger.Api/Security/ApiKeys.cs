using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Api.Security;

/// <summary>API keys: 32 random bytes as <c>lk_</c> + base64url. Only their SHA-256 hashes are stored.</summary>
public static class ApiKeys
{
    public const string Prefix = "lk_";
    public const int RandomBytes = 32;

    /// <summary>The longest key text the node reads from a header or from configuration.</summary>
    public const int TextLengthMax = 256;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }
}
