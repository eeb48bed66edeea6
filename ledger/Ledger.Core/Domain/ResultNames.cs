using System.Collections.Frozen;
using System.Text;

namespace Ledger.Core.Domain;

/// <summary>The stable wire names of result codes: the snake_case of the enum member.</summary>
public static class ResultNames
{
    private static readonly FrozenDictionary<CreateTransferResult, string> TransferNames =
        Enum.GetValues<CreateTransferResult>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));

    private static readonly FrozenDictionary<CreateAccountResult, string> AccountNames =
        Enum.GetValues<CreateAccountResult>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));

    public static string Name(this CreateTransferResult result) => TransferNames[result];

    public static string Name(this CreateAccountResult result) => AccountNames[result];

    /// <summary>"ExistsWithDifferentUserData128" becomes "exists_with_different_user_data_128".</summary>
    public static string SnakeCase(string pascal)
    {
        ArgumentNullException.ThrowIfNull(pascal);
        var builder = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            var boundary = i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(pascal[i - 1])));
            if (boundary)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
