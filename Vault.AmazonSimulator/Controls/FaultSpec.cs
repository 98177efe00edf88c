using System.Text.Json;

namespace Vault.AmazonSimulator.Controls;

/// <summary>The body of <c>POST /_sim/faults</c>. Every member is optional.</summary>
public sealed record FaultSpec(
    string? Host = null,
    string? PathPrefix = null,
    double? ErrorRate = null,
    int? ErrorStatus = null,
    double? ThrottleRate = null,
    int? RetryAfterSeconds = null,
    double? TimeoutRate = null,
    int? TimeoutMs = null,
    int? DelayMs = null,
    double? ResetConnectionRate = null,
    IReadOnlyList<JsonElement>? Next = null,
    int? Seed = null);

/// <summary>What happens to one call: pass it on, answer with a status, hang, or drop the connection.</summary>
public abstract record FaultOutcome
{
    public static readonly FaultOutcome Pass = new PassOutcome();
    public static readonly FaultOutcome Timeout = new TimeoutOutcome();
    public static readonly FaultOutcome Reset = new ResetOutcome();

    public static FaultOutcome FromStatus(int status) => status < 400 ? Pass : new StatusOutcome(status);

    /// <summary>Parses one <c>next</c> entry: a status number, or "timeout", "reset", "pass".</summary>
    public static FaultOutcome? Parse(JsonElement entry) => entry.ValueKind switch
    {
        JsonValueKind.Number when entry.TryGetInt32(out var status) && status is >= 100 and <= 599 => FromStatus(status),
        JsonValueKind.String => entry.GetString()?.ToUpperInvariant() switch
        {
            "TIMEOUT" => Timeout,
            "RESET" => Reset,
            "PASS" => Pass,
            var text when int.TryParse(text, out var status) && status is >= 100 and <= 599 => FromStatus(status),
            _ => null,
        },
        _ => null,
    };
}

public sealed record PassOutcome : FaultOutcome;

public sealed record StatusOutcome(int Status) : FaultOutcome;

public sealed record TimeoutOutcome : FaultOutcome;

public sealed record ResetOutcome : FaultOutcome;

/// <summary>The decision for one call, with the rule's timing settings.</summary>
public sealed record FaultDecision(FaultOutcome Outcome, int DelayMs, int TimeoutMs, int? RetryAfterSeconds);
