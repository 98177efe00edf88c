using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Amazon;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.Proxy;
using Vault.Api.Sellers;
using Vault.Storage;

namespace Vault.Api.Grantless;

/// <summary>
/// ANY /v1/grantless/sp-api/{region}/{**path} (docs/API.md "Grantless SP-API calls"): a grantless operation of the vault's
/// own SP-API application, called with a client_credentials token for the operation's scope and forwarded like a
/// seller call. Every call that passes the lead-in leaves an audit row, whatever Amazon answers.
/// </summary>
public static class GrantlessApi
{
    public const string AuditAction = "grantless.called";

    public static IEndpointRouteBuilder MapGrantless(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/grantless/sp-api/{region}/{**path}", ForwardAsync).RequireAuthorization(Scopes.AmazonGrantless).WithLeadIns().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ForwardAsync(GrantlessCall call, HttpContext context, GrantlessTokens tokens, AmazonForwarding forwarding, IVaultStore store)
    {
        var token = await tokens.GetAsync(call.Region, call.Operation.Scope, context.RequestAborted);
        IResult result;
        string outcome;
        if (token.AccessToken is null)
        {
            result = TokenProblem(call.Operation, token);
            outcome = "token " + (token.AmazonCode ?? token.Failure.ToString());
        }
        else
        {
            var host = call.Sandbox ? AmazonApi.SpApi.SandboxHostIn(call.Region)! : AmazonApi.SpApi.HostIn(call.Region);
            result = await forwarding.SendAsync(context, AmazonApi.SpApi, host, call.PathAndQuery, token.AccessToken);
            // Amazon's status once YARP wrote its answer; the vault's own when it could not.
            var status = (result as IStatusCodeHttpResult)?.StatusCode ?? context.Response.StatusCode;
            outcome = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var detail = $"{call.Operation.Name} {outcome}" + (call.Sandbox ? " sandbox" : "");
        // Written even when the caller hung up: the call happened at Amazon either way.
        await store.AppendAuditAsync(call.Caller.Event(context.User.Tenant(), AuditAction, api: AmazonApi.SpApi.Name, region: call.Region.Code, detail: detail), CancellationToken.None);
        return result;
    }

    private static ProblemHttpResult TokenProblem(GrantlessOperations.Operation operation, GrantlessToken token) => token.Failure switch
    {
        LwaFailure.ScopeRefused => Problems.GrantlessScopeRefused(operation.Scope, token.AmazonCode),
        LwaFailure.Timeout => Problems.AmazonTimeout(),
        LwaFailure.ClientRejected => Problems.AmazonError("Amazon's token endpoint refused the vault's SP-API application credentials"),
        _ => Problems.AmazonError("Amazon's token endpoint failed"),
    };
}
