namespace Vault.Api.ClientSecrets;

/// <summary>
/// Where a candidate LWA client secret came from: the name that logs, metrics and the CLI show instead of the value.
/// </summary>
public enum ClientSecretSlot
{
    /// <summary>SPAPI_LWA_CLIENT_SECRET or ADS_LWA_CLIENT_SECRET.</summary>
    Current,

    /// <summary>SPAPI_LWA_CLIENT_SECRET_PREVIOUS or ADS_LWA_CLIENT_SECRET_PREVIOUS.</summary>
    Previous,

    /// <summary>The newest secret Amazon published on the rotation queue, stored sealed in the database.</summary>
    Rotated,

    /// <summary>The secret a stored rotation replaced, kept until Amazon's oldClientSecretExpiryTime.</summary>
    RotatedOld,
}

public static class ClientSecretSlots
{
    /// <summary>The wire name (logs, the metric's label, the CLI).</summary>
    public static string Name(this ClientSecretSlot slot) => slot switch
    {
        ClientSecretSlot.Current => "current",
        ClientSecretSlot.Previous => "previous",
        ClientSecretSlot.Rotated => "rotated",
        _ => "rotated-old",
    };
}
