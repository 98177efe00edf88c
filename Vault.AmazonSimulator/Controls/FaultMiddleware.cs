using Vault.AmazonSimulator.Routing;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Controls;

/// <summary>Applies the matching fault rule, if any, before the simulated Amazon handles a call.</summary>
public sealed class FaultMiddleware(RequestDelegate next, SimulatorState state)
{
    public async Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (AmazonRequest.From(http.Request) is not { Kind: not HostKind.Unknown } amazon
            || state.Faults.Decide(amazon.Host, amazon.Path) is not { } decision)
        {
            await next(http);
            return;
        }

        // Fault timings are wall-clock on purpose: they exercise the client's real timeouts,
        // whereas the TimeProvider only drives token and code lifetimes.
        if (decision.DelayMs > 0 && !await WaitAsync(decision.DelayMs, http.RequestAborted))
        {
            return;
        }

        switch (decision.Outcome)
        {
            case StatusOutcome { Status: var status }:
                http.Items[CallLog.OutcomeItem] = "fault";
                AddThrottlingHeaders(http, amazon, status, decision.RetryAfterSeconds);
                await HostErrors.For(http, amazon.Kind, status).ExecuteAsync(http);
                break;
            case TimeoutOutcome:
                http.Items[CallLog.OutcomeItem] = "timeout";
                await WaitAsync(decision.TimeoutMs, http.RequestAborted);
                http.Abort();
                break;
            case ResetOutcome:
                http.Items[CallLog.OutcomeItem] = "reset";
                http.Abort();
                break;
            default:
                await next(http);
                break;
        }
    }

    private void AddThrottlingHeaders(HttpContext http, AmazonRequest amazon, int status, int? retryAfterSeconds)
    {
        if (retryAfterSeconds is { } seconds && status is 429 or 503)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (amazon.Kind == HostKind.SpApi && SpApiOperations.Find(http.Request.Method, amazon.Path) is { } operation)
        {
            http.Response.Headers[RateLimits.LimitHeader] = state.RateLimits.AdvertisedRate(operation);
        }
    }

    private static async Task<bool> WaitAsync(int milliseconds, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(milliseconds, aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
