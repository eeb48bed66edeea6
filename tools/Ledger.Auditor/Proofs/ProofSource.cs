using Ledger.Auditor.Api;

namespace Ledger.Auditor.Proofs;

/// <summary>Where a proof comes from: a file on disk, or an http(s) URL such as GET /v1/proofs/transfers/{id}.</summary>
internal static class ProofSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static bool IsUrl(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>The proof's text; a missing file, an HTTP error or an oversized answer is a <see cref="ProofSourceException"/>.</summary>
    public static async Task<string> ReadAsync(string location, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (IsUrl(location))
        {
            using var http = new ApiHttp(apiKey, ProofDocument.MaxBytes, Timeout);
            try
            {
                return await http.GetTextAsync(new Uri(location), cancellationToken);
            }
            catch (ApiException exception)
            {
                throw new ProofSourceException(exception.Message, exception);
            }
        }

        try
        {
            var info = new FileInfo(location);
            if (!info.Exists)
            {
                throw new ProofSourceException($"No proof file at '{location}'.");
            }

            if (info.Length > ProofDocument.MaxBytes)
            {
                throw new ProofSourceException($"'{location}' is {info.Length} bytes; a proof is at most {ProofDocument.MaxBytes}.");
            }

            return await File.ReadAllTextAsync(location, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ProofSourceException($"'{location}' could not be read: {exception.Message}", exception);
        }
    }
}
