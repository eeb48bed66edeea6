using System.Collections.Concurrent;
using Ledger.Core.Directory;

namespace Ledger.Api.Security;

/// <summary>
/// Remembers which participant an API key hash belongs to, so a request costs one hash, not one query.
/// Only hits are kept (a miss always asks the store, so a participant created a moment ago is found),
/// each for <see cref="NodeOptions.ApiKeyCacheLifetime"/>, and at most <see cref="EntriesMax"/> of them.
/// Entries are keyed by the hash; the key text itself is never kept.
/// </summary>
public sealed class ApiKeyCache
{
    public const int EntriesMax = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly IDirectoryStore directory;
    private readonly TimeProvider clock;
    private readonly TimeSpan lifetime;

    public ApiKeyCache(IDirectoryStore directory, TimeProvider clock, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.directory = directory;
        this.clock = clock;
        lifetime = options.ApiKeyCacheLifetime;
    }

    public async ValueTask<Participant?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(key);
        var cacheKey = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(cacheKey, out var entry) && now < entry.ExpiresAt)
        {
            return entry.Participant;
        }

        var participant = await directory.FindByApiKeyHashAsync(hash, cancellationToken);
        if (participant is null)
        {
            entries.TryRemove(cacheKey, out _);
            return null;
        }

        if (lifetime > TimeSpan.Zero)
        {
            if (entries.Count >= EntriesMax)
            {
                // Crude but bounded: a full cache starts over rather than growing.
                entries.Clear();
            }

            entries[cacheKey] = new Entry(participant, now + lifetime);
        }

        return participant;
    }

    /// <summary>Forgets every entry; called whenever this node replaces a key hash.</summary>
    public void Clear() => entries.Clear();

    private sealed record Entry(Participant Participant, DateTimeOffset ExpiresAt);
}
