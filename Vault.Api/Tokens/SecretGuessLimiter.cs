namespace Vault.Api.Tokens;

/// <summary>
/// Slows a wrong-secret guesser to a few tries a minute per connection (429 rate_limited): a fixed window on the
/// vault's clock. A try takes its place before the key derivation starts, so a concurrent burst gets no more
/// derivations than the limit; a try that opens the token gives its place back. Secrets that opened the token before
/// do not come here at all (<see cref="AccessTokenCache.IsProven"/>), so guessers cannot lock out the WMS.
/// </summary>
public sealed class SecretGuessLimiter(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public const int FailuresPerWindow = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Taken)> _windows = new(StringComparer.Ordinal);

    /// <summary>Takes one try in this connection's current window (named by its start); false when the window has none left.</summary>
    public bool TryTake(string connectionKey, out DateTimeOffset window)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(connectionKey, out var current) || now - current.Start >= Window)
            {
                SweepIfLarge(now);
                current = (now, 0);
            }
            window = current.Start;
            if (current.Taken >= FailuresPerWindow)
                return false;
            _windows[connectionKey] = (current.Start, current.Taken + 1);
            return true;
        }
    }

    /// <summary>Gives back a try that was no wrong guess (the secret opened the token, or no derivation ran).</summary>
    public void Return(string connectionKey, DateTimeOffset window)
    {
        lock (_gate)
        {
            // A try from a window that has since closed has nothing left to give back.
            if (!_windows.TryGetValue(connectionKey, out var current) || current.Start != window)
                return;
            if (current.Taken <= 1)
                _windows.Remove(connectionKey);
            else
                _windows[connectionKey] = (current.Start, current.Taken - 1);
        }
    }

    /// <summary>Closed windows are dropped now and then, so connections guessed at once do not stay in memory.</summary>
    private void SweepIfLarge(DateTimeOffset now)
    {
        if (_windows.Count < 4096)
            return;
        foreach (var (key, window) in _windows)
        {
            if (now - window.Start >= Window)
                _windows.Remove(key);
        }
    }
}
