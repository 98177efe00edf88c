using System.Text;

namespace Vault.Storage;

/// <summary>The audit log's SQL, the same text on SQLite and PostgreSQL (each store binds the parameters with its own types).</summary>
internal static class AuditSql
{
    /// <summary>The columns in the order the stores' readers expect them.</summary>
    public const string Columns = "id, at, tenant, action, actor, seller_id, api, region, request_id, ip, detail";

    /// <summary>Parameters @at, @tenant, @action, @actor, @seller, @api, @region, @request, @ip, @detail.</summary>
    public const string Insert = """
        INSERT INTO audit_log (at, tenant, action, actor, seller_id, api, region, request_id, ip, detail)
        VALUES (@at, @tenant, @action, @actor, @seller, @api, @region, @request, @ip, @detail);
        """;

    /// <summary>
    /// A tenant's events newest first, at most @take (one more than a page, for <see cref="PageCursor.Of{T}"/>), optionally
    /// of one seller (@seller), since a time (@since) and before an id (@before, the cursor). Only constant fragments are
    /// appended, so each filter can use its index; values stay parameters.
    /// </summary>
    public static string Select(bool bySeller, bool since, bool beforeId)
    {
        var sql = new StringBuilder("SELECT " + Columns + " FROM audit_log WHERE tenant = @tenant");
        if (bySeller)
        {
            sql.Append(" AND seller_id = @seller");
        }

        if (since)
        {
            sql.Append(" AND at >= @since");
        }

        if (beforeId)
        {
            sql.Append(" AND id < @before");
        }

        return sql.Append(" ORDER BY id DESC LIMIT @take;").ToString();
    }
}
