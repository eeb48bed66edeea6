using System.CommandLine;
using System.CommandLine.Parsing;
using Ledger.Auditor.Api;

namespace Ledger.Auditor.Cli;

/// <summary>The options both commands share, each built fresh per command (an option belongs to one parent).</summary>
internal static class CommonOptions
{
    public const int DefaultConfirmations = 2;

    public static Option<Uri> Url(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        CustomParser = ParseHttpUrl,
    };

    public static Option<int> Confirmations() => new("--confirmations")
    {
        Description = "Read the contract at a block this many confirmations deep (the head counts as one).",
        DefaultValueFactory = _ => DefaultConfirmations,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError("--confirmations must be at least 1.");
                }
            },
        },
    };

    public static Option<string?> ApiKey() => new("--api-key")
    {
        Description = $"API key sent as 'Authorization: Bearer'; defaults to ${ApiHttp.ApiKeyVariable}.",
    };

    private static Uri? ParseHttpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an http or https URL.");
        return null;
    }
}
