using Ledger.Api.Security;
using Ledger.Core.Directory;

namespace Ledger.Api.Hosting;

/// <summary>
/// Makes sure the operator participant exists and holds the configured key. With
/// <c>LEDGER_OPERATOR_KEY</c> set, that key is the operator's (its hash is replaced when the key
/// changed). Without it, the first start generates a key, writes it to <c>operator.key</c> in the data
/// folder with mode 0600 before the operator is created, and prints it once; later starts print nothing.
/// </summary>
public static partial class OperatorBootstrap
{
    /// <summary>
    /// The operator's participant id is fixed, so that two nodes starting at once over one database
    /// create one operator, not two.
    /// </summary>
    public static readonly UInt128 OperatorId = UInt128.One;

    public const string OperatorName = "operator";

    /// <summary>ISO 3166's code for "unknown or unspecified country"; the operator is configured, not onboarded.</summary>
    public const string OperatorCountry = "ZZ";

    public static async Task RunAsync(NodeOptions options, IDirectoryStore directory, ApiKeyCache keys, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(keys);
        var existing = await directory.GetParticipantAsync(OperatorId, cancellationToken);
        if (existing is not null && existing.Role != ParticipantRole.Operator)
        {
            throw new NodeConfigurationException($"Participant {OperatorId} should be the operator but has the role {existing.Role}; the database is not a ledger node's.");
        }

        if (options.OperatorKey is { } configured)
        {
            await UseConfiguredKeyAsync(options, configured, existing, directory, keys, logger, cancellationToken);
            return;
        }

        if (existing is not null)
        {
            // The key was printed when it was made (or came from LEDGER_OPERATOR_KEY back then).
            TightenKeyFileMode(options.OperatorKeyPath, logger);
            return;
        }

        string key;
        var generated = false;
        if (File.Exists(options.OperatorKeyPath))
        {
            // A start that wrote the key file stopped before the operator was created: reuse its key.
            TightenKeyFileMode(options.OperatorKeyPath, logger);
            key = (await File.ReadAllTextAsync(options.OperatorKeyPath, cancellationToken)).Trim();
            if (key.Length < NodeOptions.OperatorKeyLengthMin || key.Length > ApiKeys.TextLengthMax)
            {
                throw new NodeConfigurationException($"{options.OperatorKeyPath} does not hold a usable key; remove it to have a new one generated.");
            }
        }
        else
        {
            key = ApiKeys.Generate();
            await WriteKeyFileAsync(options.OperatorKeyPath, key, cancellationToken);
            generated = true;
        }

        if (!await directory.TryAddParticipantAsync(NewOperator(options), ApiKeys.Hash(key), cancellationToken))
        {
            // Another node created the operator between our look and our insert; its key stands, and a
            // key file of ours would only mislead.
            if (generated)
            {
                File.Delete(options.OperatorKeyPath);
            }

            LogOperatorCreatedElsewhere(logger);
            return;
        }

        LogOperatorCreated(logger, options.OperatorKeyPath);
        await options.KeyOutput.WriteLineAsync($"operator api key: {key}");
        await options.KeyOutput.FlushAsync(cancellationToken);
    }

    private static async Task UseConfiguredKeyAsync(NodeOptions options, string key, Participant? existing, IDirectoryStore directory, ApiKeyCache keys, ILogger logger, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(key);
        if (existing is null && await directory.TryAddParticipantAsync(NewOperator(options), hash, cancellationToken))
        {
            LogOperatorCreatedFromConfiguration(logger);
            return;
        }

        var holder = await directory.FindByApiKeyHashAsync(hash, cancellationToken);
        if (holder?.Id == OperatorId)
        {
            return;
        }

        if (holder is not null)
        {
            throw new NodeConfigurationException("LEDGER_OPERATOR_KEY is the API key of another participant; choose a different key.");
        }

        await directory.SetApiKeyHashAsync(OperatorId, hash, cancellationToken);
        keys.Clear();
        LogOperatorKeyReplaced(logger);
        if (File.Exists(options.OperatorKeyPath))
        {
            // Left in place (it is the operator's to delete), but it no longer opens anything.
            LogStaleKeyFile(logger, options.OperatorKeyPath);
        }
    }

    private static Participant NewOperator(NodeOptions options) =>
        new(OperatorId, OperatorName, ParticipantRole.Operator, OperatorCountry, KycStatus.Verified, options.Clock.GetUtcNow());

    private static async Task WriteKeyFileAsync(string path, string key, CancellationToken cancellationToken)
    {
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so the key is never readable by others, not even for an instant.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, fileOptions);
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(key.AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    private static void TightenKeyFileMode(string path, ILogger logger)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, mode & OwnerOnly);
            LogKeyFileModeTightened(logger, path);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the operator participant; its key is in {Path}.")]
    private static partial void LogOperatorCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the operator participant with the key of LEDGER_OPERATOR_KEY.")]
    private static partial void LogOperatorCreatedFromConfiguration(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another node created the operator participant first; its key stands.")]
    private static partial void LogOperatorCreatedElsewhere(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The operator's API key was replaced by the one in LEDGER_OPERATOR_KEY.")]
    private static partial void LogOperatorKeyReplaced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} holds a generated operator key that LEDGER_OPERATOR_KEY has replaced; it no longer works and may be deleted.")]
    private static partial void LogStaleKeyFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was readable by others; its mode is now 0600.")]
    private static partial void LogKeyFileModeTightened(ILogger logger, string path);
}
