using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Grantless;

/// <summary>
/// Application Management API 2023-11-30, rotateApplicationClientSecret (grantless, scope
/// sellingpartnerapi::client_credential:rotation): 204 when the app has a queue registered for application notifications,
/// else the model's 400 ("Application is not enrolled for rotation notification…").
/// https://developer-docs.amazon.com/sp-api/docs/application-management-api-v2023-11-30-use-case-guide
/// </summary>
public static class ApplicationsApi
{
    public const string NotEnrolled =
        "Application is not enrolled for rotation notification. Please update application notification preference in Developer console.";

    public static RouteGroupBuilder MapApplications(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapPost("/applications/2023-11-30/clientSecret", (HttpContext http, SimulatorState state) =>
            {
                var clientId = http.GrantlessClient();
                if (state.Applications.RotationQueue(clientId) is not { } queue)
                {
                    return SpApiErrors.InvalidInput(NotEnrolled);
                }

                state.Applications.RecordRotation(new RotationRequest(clientId, queue, state.Options.TimeProvider.GetUtcNow()));
                return Results.NoContent();
            })
            .WithMetadata(GrantlessOperations.RotateApplicationClientSecret);
        return sp;
    }
}
