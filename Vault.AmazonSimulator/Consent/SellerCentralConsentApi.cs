using System.Text.RegularExpressions;
using Vault.AmazonSimulator.Lwa;
using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Consent;

/// <summary>
/// The Seller Central side of the SP-API website authorization workflow:
/// https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow.
/// Allow redirects with <c>state</c>, <c>selling_partner_id</c> and <c>spapi_oauth_code</c>.
/// </summary>
public static partial class SellerCentralConsentApi
{
    public const string ConsentPath = "/apps/authorize/consent";
    public const string ConfirmPath = "/apps/authorize/confirm";

    /// <summary>Lets a test choose the selling partner who consents, so it can assert on it.</summary>
    public const string SellingPartnerParameter = "sim_selling_partner_id";

    public static IEndpointRouteBuilder MapSellerCentralConsent(this IEndpointRouteBuilder app)
    {
        var central = app.MapGroup(AmazonHostConstraint.Route(HostKind.SellerCentral));
        central.MapGet(ConsentPath, ShowConsent);
        central.MapPost(ConfirmPath, ConfirmAsync);
        return app;
    }

    private static IResult ShowConsent(HttpRequest request, SimulatorOptions options)
    {
        var query = request.Query;
        var sellingPartnerId = query[SellingPartnerParameter].ToString() is { Length: > 0 } chosen ? chosen : TokenValues.NewSellingPartnerId();
        var error = Validate(options, query["application_id"], query["redirect_uri"], query["state"], sellingPartnerId, out var app);
        if (error is not null)
        {
            return ConsentPages.Error(error);
        }

        // Relative, so the page also works when the simulator is mounted under a path prefix.
        return ConsentPages.Consent("Authorize application", app!.ApplicationId!, "confirm",
        [
            new("application_id", app.ApplicationId),
            new("state", query["state"]),
            new("redirect_uri", query["redirect_uri"]),
            new("version", query["version"].ToString() is { Length: > 0 } version ? version : null),
            new("selling_partner_id", sellingPartnerId),
        ]);
    }

    private static async Task<IResult> ConfirmAsync(HttpRequest request, SimulatorState state)
    {
        // The hidden fields came back from a browser: check them all again.
        var form = await RedirectUris.ReadFormOrNullAsync(request);
        if (form is null)
        {
            return ConsentPages.Error("The form could not be read.");
        }

        var redirectUri = form["redirect_uri"].ToString();
        var stateValue = form["state"].ToString();
        var sellingPartnerId = form["selling_partner_id"].ToString();
        var error = Validate(state.Options, form["application_id"], redirectUri, stateValue, sellingPartnerId, out var app);
        if (error is not null)
        {
            return ConsentPages.Error(error);
        }

        return form["decision"].ToString() switch
        {
            ConsentPages.AllowDecision => RedirectUris.RedirectWith(
                redirectUri,
                ("state", stateValue),
                ("selling_partner_id", sellingPartnerId),
                ("spapi_oauth_code", state.Codes.Issue(app!.ClientId, redirectUri, sellingPartnerId, scope: null))),
            ConsentPages.DenyDecision => RedirectUris.RedirectWith(
                redirectUri,
                ("error", "access_denied"),
                ("error_description", "The selling partner denied the authorization request."),
                ("state", stateValue)),
            _ => ConsentPages.Error("Choose Allow or Deny."),
        };
    }

    private static string? Validate(
        SimulatorOptions options, string? applicationId, string? redirectUri, string? stateValue, string sellingPartnerId, out LwaClient? app)
    {
        app = options.FindSpApiApplication(applicationId);
        if (app is null)
        {
            return "The application could not be found. Check the application_id.";
        }

        if (!RedirectUris.IsAllowed(options, redirectUri))
        {
            return "The redirect_uri is missing or is not registered for this application.";
        }

        if (string.IsNullOrEmpty(stateValue))
        {
            return "The state parameter is required.";
        }

        return SellingPartnerIdPattern().IsMatch(sellingPartnerId) ? null : "Invalid selling partner id.";
    }

    [GeneratedRegex("^A[0-9A-Z]{9,20}$")]
    private static partial Regex SellingPartnerIdPattern();
}
