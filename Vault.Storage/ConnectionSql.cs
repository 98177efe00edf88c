namespace Vault.Storage;

/// <summary>How a <see cref="Connection"/> maps to a row of the <c>connections</c> table (the same on both databases).</summary>
internal static class ConnectionSql
{
    /// <summary>The columns in the order <see cref="StoreRows.Connection"/> expects them.</summary>
    public const string Columns =
        "tenant, seller_id, api, region, selling_partner_id, status, format, blob, created_at, updated_at, last_used_at, sandbox, authorized_at";

    public const string Select = "SELECT " + Columns + " FROM connections";

    public const string SelectOne = Select + " WHERE tenant = @tenant AND seller_id = @seller AND api = @api;";

    public static string StatusText(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Active => "active",
        ConnectionStatus.ReauthorizationRequired => "reauthorization_required",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown connection status."),
    };

    public static ConnectionStatus StatusFromText(string text) => text switch
    {
        "active" => ConnectionStatus.Active,
        "reauthorization_required" => ConnectionStatus.ReauthorizationRequired,
        _ => throw new InvalidOperationException($"Unknown connection status '{text}' in the database."),
    };
}
