namespace Vault.AmazonSimulator.Controls;

/// <summary>
/// Fault rules for Amazon-host calls. The first rule whose host and path prefix match decides:
/// its <c>next</c> queue first (exact, for deterministic tests), then its rates drawn from a
/// seeded <see cref="Random"/>.
/// </summary>
public sealed class FaultInjection
{
    private readonly List<FaultRule> _rules = [];
    private readonly Lock _gate = new();

    /// <summary>Adds a rule; returns an error message for an invalid spec.</summary>
    public string? Add(FaultSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var error = Validate(spec);
        if (error is not null)
        {
            return error;
        }

        var next = new Queue<FaultOutcome>((spec.Next ?? []).Select(e => FaultOutcome.Parse(e)!));
        lock (_gate)
        {
            _rules.Add(new FaultRule(spec, next, spec.Seed is { } seed ? new Random(seed) : new Random()));
        }

        return null;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rules.Count;
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public FaultDecision? Decide(string host, string path)
    {
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => r.Matches(host, path));
            return rule?.Decide();
        }
    }

    private static string? Validate(FaultSpec spec)
    {
        double?[] rates = [spec.ErrorRate, spec.ThrottleRate, spec.TimeoutRate, spec.ResetConnectionRate];
        if (rates.Any(r => r is < 0 or > 1) || rates.Sum(r => r ?? 0) > 1)
        {
            return "rates must lie in [0, 1] and sum to at most 1";
        }

        if (spec.ErrorStatus is { } status and (< 400 or > 599))
        {
            return "errorStatus must be a 4xx or 5xx status";
        }

        if (spec.TimeoutMs is < 0 || spec.DelayMs is < 0 || spec.RetryAfterSeconds is < 0)
        {
            return "timeoutMs, delayMs and retryAfterSeconds must not be negative";
        }

        if (spec.PathPrefix is { } prefix && !prefix.StartsWith('/'))
        {
            return "pathPrefix must start with /";
        }

        var bad = (spec.Next ?? []).FirstOrDefault(e => FaultOutcome.Parse(e) is null);
        return bad.ValueKind == System.Text.Json.JsonValueKind.Undefined
            ? null
            : $"next entries must be statuses (100-599), \"timeout\", \"reset\" or \"pass\"; got {bad.GetRawText()}";
    }

    private sealed class FaultRule(FaultSpec spec, Queue<FaultOutcome> next, Random random)
    {
        private const int DefaultErrorStatus = 503;
        private const int DefaultTimeoutMs = 30_000;

        public bool Matches(string host, string path) =>
            (spec.Host is null || string.Equals(spec.Host, host, StringComparison.OrdinalIgnoreCase))
            && (spec.PathPrefix is null || path.StartsWith(spec.PathPrefix, StringComparison.Ordinal));

        public FaultDecision Decide() =>
            new(NextOutcome(), spec.DelayMs ?? 0, spec.TimeoutMs ?? DefaultTimeoutMs, spec.RetryAfterSeconds);

        private FaultOutcome NextOutcome()
        {
            if (next.TryDequeue(out var queued))
            {
                return queued;
            }

            var roll = random.NextDouble();
            if ((roll -= spec.ErrorRate ?? 0) < 0)
            {
                return FaultOutcome.FromStatus(spec.ErrorStatus ?? DefaultErrorStatus);
            }

            if ((roll -= spec.ThrottleRate ?? 0) < 0)
            {
                return FaultOutcome.FromStatus(429);
            }

            if ((roll -= spec.TimeoutRate ?? 0) < 0)
            {
                return FaultOutcome.Timeout;
            }

            return (roll - (spec.ResetConnectionRate ?? 0)) < 0 ? FaultOutcome.Reset : FaultOutcome.Pass;
        }
    }
}
