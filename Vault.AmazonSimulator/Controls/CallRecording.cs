using Vault.AmazonSimulator.Lwa;
using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Controls;

/// <summary>
/// Outermost middleware for Amazon-host calls: stamps <c>x-amzn-RequestId</c> (every Amazon API
/// sends one) and records the call once it has finished, whatever the outcome.
/// </summary>
public sealed class CallRecording(RequestDelegate next, SimulatorState state)
{
    public const string RequestIdHeader = "x-amzn-RequestId";

    public async Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (AmazonRequest.From(http.Request) is not { } amazon)
        {
            await next(http);
            return;
        }

        var requestId = TokenValues.NewRequestId();
        http.Response.Headers[RequestIdHeader] = requestId;
        var at = state.Options.TimeProvider.GetUtcNow();
        try
        {
            await next(http);
        }
        finally
        {
            state.Calls.Add(Record(http, amazon, requestId, at));
        }
    }

    private CallRecord Record(HttpContext http, AmazonRequest amazon, string requestId, DateTimeOffset at)
    {
        var request = http.Request;
        var outcome = http.Items[CallLog.OutcomeItem] as string
            ?? (http.RequestAborted.IsCancellationRequested ? "aborted" : null);
        var headers = request.Headers
            .Where(h => !CallLog.SecretHeaders.Contains(h.Key))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        return new CallRecord(
            at,
            requestId,
            amazon.Host,
            request.Method,
            amazon.Path + request.QueryString.Value,
            outcome is "reset" or "timeout" ? 0 : http.Response.StatusCode,
            outcome,
            http.Items[CallLog.GrantTypeItem] as string,
            [.. request.Headers.Keys],
            headers,
            request.Headers.ContainsKey("Authorization"),
            AuthorizationKind(request.Headers.Authorization.ToString()),
            request.Headers.ContainsKey("Cookie"),
            request.Headers.ContainsKey("x-amazon-token-secret"));
    }

    /// <summary>
    /// The Ads API legitimately receives <c>Authorization: Bearer Atza|…</c>; anything else there
    /// (a caller's JWT, say) means a credential leaked through the proxy.
    /// </summary>
    private string AuthorizationKind(string authorization)
    {
        if (authorization.Length == 0)
        {
            return "none";
        }

        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            && state.Tokens.FindAccessToken(authorization[bearer.Length..].Trim()) is not null
            ? "amazon-access-token"
            : "other";
    }
}
