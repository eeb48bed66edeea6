using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Chain.Sending;

/// <summary>
/// The nonce manager's file: whose nonces it counts (sender and chain) and the next nonce to hand out.
/// Written atomically: a temporary file beside it is written and flushed to disk, then renamed over it,
/// so a crash leaves either the old file or the new one, never a torn one.
/// </summary>
internal sealed record NonceFile(
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("chain_id")] ulong ChainId,
    [property: JsonPropertyName("next_nonce")] ulong NextNonce)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static NonceFile? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<NonceFile>(File.ReadAllBytes(path), Options)
                ?? throw new InvalidDataException($"The nonce file {path} is empty.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The nonce file {path} is not valid JSON: {exception.Message}", exception);
        }
    }

    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Options);
            stream.Flush(flushToDisk: true);
        }

        // rename(2) replaces the old file atomically on POSIX file systems.
        File.Move(temporary, full, overwrite: true);
    }
}
