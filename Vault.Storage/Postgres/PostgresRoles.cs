using System.Globalization;
using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// The two roles of a PostgreSQL deployment (shared/seeds/001: "Audit log is append-only (no UPDATE/DELETE
/// permission for app role)"): the owner creates and migrates the tables; the serving role gets exactly what
/// the store uses and nothing that would let it rewrite history or step around the tenant policies.
/// </summary>
internal static class PostgresRoles
{
    /// <summary>
    /// As the owner, grants the serving role (the user <paramref name="serving"/> connects as) the store's
    /// privileges and revokes the audit trail's UPDATE, DELETE and TRUNCATE, every time: a grant an operator
    /// added by hand is taken back on the next start. Nothing to do when both are the same role.
    /// </summary>
    public static async Task GrantServingRoleAsync(NpgsqlDataSource owner, NpgsqlDataSource serving, CancellationToken ct)
    {
        string servingRole;
        await using (var connection = await serving.OpenConnectionAsync(ct).ConfigureAwait(false))
        {
            servingRole = (string)(await connection.ScalarAsync("SELECT current_user::text;", ct).ConfigureAwait(false))!;
        }

        await using var db = await owner.OpenConnectionAsync(ct).ConfigureAwait(false);
        if ((bool)(await db.ScalarAsync("SELECT current_user::text = @role;", ct, Text("role", servingRole)).ConfigureAwait(false))!)
        {
            return;
        }

        // Identifiers cannot be parameters: PostgreSQL quotes them itself, so a role or schema name is never SQL.
        await using var names = db.Command(
            """
            SELECT quote_ident(@role), quote_ident(n.nspname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = 'connections'::regclass;
            """,
            Text("role", servingRole));
        string role, schema;
        await using (var reader = await names.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            role = reader.GetString(0);
            schema = reader.GetString(1);
        }

        await using var transaction = await db.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Instances starting together would otherwise GRANT on the same rows of the catalogue at once ("tuple concurrently updated").
        await db.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ct, Int("key", PostgresMigrations.LockKey)).ConfigureAwait(false);
        await db.ExecuteAsync(
            string.Create(
                CultureInfo.InvariantCulture,
                $"""
                GRANT USAGE ON SCHEMA {schema} TO {role};
                GRANT SELECT ON {schema}.schema_migrations TO {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.connections, {schema}.oauth_one_time, {schema}.app_client_secrets TO {role};
                REVOKE TRUNCATE, REFERENCES, TRIGGER ON {schema}.connections, {schema}.oauth_one_time, {schema}.app_client_secrets FROM {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.rate_buckets TO {role};
                GRANT SELECT, INSERT ON {schema}.audit_log TO {role};
                GRANT SELECT, INSERT, UPDATE ON {schema}.events TO {role};
                REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON {schema}.events FROM {role};
                REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {schema}.audit_log FROM {role};
                """),
            ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses a serving role the policies do not bind (superuser, BYPASSRLS); returns a warning, one line each,
    /// for what is allowed but weaker than it should be: a role that owns the tables (or inherits their owner),
    /// or that may change the audit trail.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckServingRoleAsync(NpgsqlDataSource serving, bool ownerConfigured, CancellationToken ct)
    {
        await using var db = await serving.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = db.Command(
            """
            SELECT current_user::text, r.rolsuper, r.rolbypassrls, pg_has_role(current_user, c.relowner, 'USAGE'),
                   has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE')
                       OR has_table_privilege('audit_log', 'TRUNCATE')
            FROM pg_roles r, pg_class c
            WHERE r.rolname = current_user AND c.oid = 'connections'::regclass;
            """);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var (role, superuser, bypassesPolicies, owns, mayEditAudit) =
            (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4));

        if (superuser || bypassesPolicies)
        {
            throw new InvalidOperationException(
                $"The vault connects to PostgreSQL as '{role}', a {(superuser ? "superuser" : "BYPASSRLS role")}: row-level security " +
                "would not keep tenants apart. Connect as a role without SUPERUSER and BYPASSRLS (README, \"Running with PostgreSQL\").");
        }

        var warnings = new List<string>();
        if (owns)
        {
            warnings.Add(
                $"The vault serves as PostgreSQL role '{role}', which owns its tables: row-level security is forced and applies, but this role " +
                $"could switch it off and drop the audit log's triggers. Serve as a role that does not own them{(ownerConfigured ? "" : " and set VAULT_DATABASE_OWNER to the owner")}.");
        }
        else if (mayEditAudit)
        {
            warnings.Add(
                $"The vault's PostgreSQL role '{role}' may UPDATE, DELETE or TRUNCATE audit_log (triggers still refuse it): " +
                $"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}.");
        }

        return warnings;
    }
}
