using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.Controls;

/// <summary>
/// One call as the simulator saw it. Secret headers appear by name only; the three a vault must
/// never forward (Authorization from its caller, Cookie, x-amazon-token-secret) are flagged.
/// </summary>
public sealed record CallRecord(
    DateTimeOffset At,
    string RequestId,
    string Host,
    string Method,
    string PathAndQuery,
    int Status,
    string? Outcome,
    string? GrantType,
    IReadOnlyList<string> HeaderNames,
    IReadOnlyDictionary<string, string> Headers,
    bool HadAuthorization,
    string AuthorizationKind,
    bool HadCookie,
    bool HadTokenSecret);

public sealed class CallLog
{
    public const string GrantTypeItem = "sim.grantType";
    public const string OutcomeItem = "sim.outcome";

    /// <summary>Headers whose values are credentials: logged by name only.</summary>
    public static readonly IReadOnlySet<string> SecretHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
        "x-amz-access-token", "x-amazon-token-secret", "x-amazon-token-secret-new",
    };

    /// <summary>A long-running demo keeps only the most recent calls, so the log cannot grow without bound.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<CallRecord> _calls = new();
    private readonly ConcurrentDictionary<string, int> _tokenCalls = new(StringComparer.Ordinal);

    public IReadOnlyList<CallRecord> Snapshot() => [.. _calls];

    /// <summary>LWA token endpoint calls per <c>grant_type</c>, failures included.</summary>
    public IReadOnlyDictionary<string, int> TokenCallsByGrantType =>
        new SortedDictionary<string, int>(_tokenCalls, StringComparer.Ordinal);

    public void Add(CallRecord record)
    {
        _calls.Enqueue(record);
        while (_calls.Count > Capacity)
        {
            _calls.TryDequeue(out _);
        }
    }

    public void CountTokenCall(string grantType) => _tokenCalls.AddOrUpdate(grantType, 1, (_, n) => n + 1);

    public void Clear()
    {
        _calls.Clear();
        _tokenCalls.Clear();
    }
}
