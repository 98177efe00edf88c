using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>
/// One PostgreSQL schema that several vault instances share, as a scaled-out deployment shares its database:
/// the instances serve as <see cref="PostgresServer.AppRole"/> and migrate as <see cref="PostgresServer.OwnerRole"/>.
/// </summary>
public sealed class SharedDatabase
{
    private SharedDatabase(PostgresServer server, string schema)
    {
        Schema = schema;
        Serving = server.ConnectionString(schema, user: PostgresServer.AppRole);
        Owner = server.ConnectionString(schema, user: PostgresServer.OwnerRole);
    }

    /// <summary>The schema holding the tables (the search path of both connection strings).</summary>
    public string Schema { get; }

    /// <summary>VAULT_DATABASE.</summary>
    public string Serving { get; }

    /// <summary>VAULT_DATABASE_OWNER.</summary>
    public string Owner { get; }

    public static async Task<SharedDatabase> CreateAsync(PostgresServer server)
    {
        var schema = "scale_" + Guid.NewGuid().ToString("N");
        await server.CreateSchemaAsync(schema);
        return new SharedDatabase(server, schema);
    }

    public void Configure(IDictionary<string, string?> settings)
    {
        settings["VAULT_DATABASE"] = Serving;
        settings["VAULT_DATABASE_OWNER"] = Owner;
    }
}
