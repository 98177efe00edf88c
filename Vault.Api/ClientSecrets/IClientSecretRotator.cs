namespace Vault.Api.ClientSecrets;

/// <summary>
/// Asks Amazon to rotate the SP-API application's client secret (rotateApplicationClientSecret,
/// <c>POST /applications/2023-11-30/clientSecret</c>, a grantless call with the
/// <c>sellingpartnerapi::client_credential:rotation</c> scope). Amazon answers 204 and publishes the new secret on the
/// app's SQS queue in an APPLICATION_OAUTH_CLIENT_NEW_SECRET notification.
/// https://developer-docs.amazon.com/sp-api/docs/application-management-api-v2023-11-30-reference
/// </summary>
public interface IClientSecretRotator
{
    /// <summary>True when Amazon accepted the request; false (logged by the implementation) otherwise.</summary>
    Task<bool> RotateAsync(CancellationToken ct);
}
