using System.Collections.Concurrent;

namespace Vault.Api.Tokens;

/// <summary>
/// One run of an operation per key at a time: callers that arrive while it runs share its result instead of
/// starting their own (one LWA mint, one RDT request for a burst of first calls). The run belongs to no single
/// caller, so it must not take one caller's cancellation.
/// </summary>
public class SingleFlight<TKey, TResult>(IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TResult>>> _inflight = new(comparer);

    public async Task<TResult> RunAsync(TKey key, Func<Task<TResult>> run)
    {
        var flight = _inflight.GetOrAdd(key, _ => new Lazy<Task<TResult>>(run));
        try
        {
            return await flight.Value;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<TKey, Lazy<Task<TResult>>>(key, flight));
        }
    }
}
