using Npgsql;
using Vault.Storage;
using Vault.Storage.Postgres;
using Vault.Storage.Sqlite;

namespace Vault.Tests.Storage;

/// <summary>How VAULT_DATABASE picks the store, and how a PostgreSQL value is read without its password ever leaking (no server needed).</summary>
public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("Host=db.internal;Username=vault;Password=p;Database=vault", true)]
    [InlineData("Username=vault; host = db.internal;Database=vault", true)]
    [InlineData("postgres://vault:p@db.internal/vault", true)]
    [InlineData("postgresql://db.internal:5433/vault?sslmode=require", true)]
    [InlineData("  POSTGRESQL://db.internal/vault", true)]
    [InlineData("data/vault.db", false)]
    [InlineData("/var/lib/vault/vault.db", false)]
    [InlineData("/srv/Host=1/vault.db", false)]
    [InlineData("postgres.db", false)]
    public void PostgresIsAHostKeyOrAPostgresUriAndAnythingElseIsASqlitePath(string database, bool postgres) =>
        Assert.Equal(postgres, VaultStoreFactory.IsPostgres(database));

    [Fact]
    public async Task TheFactoryOpensSqliteForAPath()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vault-factory-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var store = VaultStoreFactory.Create(Path.Combine(directory, "vault.db"));
            Assert.IsType<SqliteVaultStore>(store);
        }
        finally
        {
            SqliteDatabase.ClearPool(Path.Combine(directory, "vault.db"));
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void AUriBecomesNpgsqlsKeysWithItsPartsDecoded()
    {
        var builder = PostgresConnectionString.Parse(
            "postgresql://vault%40corp:p%40ss%3Aw%2Fd@db.internal:6543/vault%20prod?sslmode=verify-full&application_name=vault-eu&connect_timeout=7");

        Assert.Equal("vault@corp", builder.Username);
        Assert.Equal("p@ss:w/d", builder.Password);
        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("vault prod", builder.Database);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("vault-eu", builder.ApplicationName);
        Assert.Equal(7, builder.Timeout);
    }

    [Fact]
    public void AUriMayNameSeveralHostsOrAnIpv6Address()
    {
        Assert.Equal("a.internal:5432,b.internal:5433", PostgresConnectionString.Parse("postgres://u@a.internal:5432,b.internal:5433/vault").Host);
        var v6 = PostgresConnectionString.Parse("postgres://u@[::1]:5444/vault");
        Assert.Equal("::1", v6.Host);
        Assert.Equal(5444, v6.Port);
    }

    [Fact]
    public void TheApplicationNameDefaultsToTheVaults()
    {
        Assert.Equal(PostgresConnectionString.DefaultApplicationName, PostgresConnectionString.Parse("Host=db;Username=u").ApplicationName);
        Assert.Equal("mine", PostgresConnectionString.Parse("Host=db;Username=u;Application Name=mine").ApplicationName);
    }

    [Theory]
    [InlineData("Host=db.internal;Port=6543;Username=vault;Password=hunter2-secret;Database=vault")]
    [InlineData("postgresql://vault:hunter2-secret@db.internal:6543/vault?sslmode=require")]
    public void TheDescriptionNamesDatabaseHostAndPortButNeverThePassword(string database)
    {
        var description = VaultStoreFactory.Describe(database);

        Assert.Equal("PostgreSQL database 'vault' on db.internal:6543", description);
        Assert.DoesNotContain("hunter2", description, StringComparison.Ordinal);
    }

    [Fact]
    public void ASqlitePathDescribesItself() => Assert.Equal("data/vault.db", VaultStoreFactory.Describe("data/vault.db"));

    [Theory]
    [InlineData("postgresql://vault:hunter2-secret@db.internal:notaport/vault")]
    [InlineData("postgresql://vault:hunter2-secret@db.internal/vault?sslmode=sometimes")]
    [InlineData("postgresql://vault:hunter2-secret@db.internal/vault?no_such_parameter=1")]
    [InlineData("Host=db.internal;Passwrd=hunter2-secret")]
    [InlineData("Host=db.internal;Password=hunter2-secret;Port=hunter2-secret")]
    public void AnInvalidConnectionStringIsRefusedWithoutQuotingIt(string database)
    {
        var error = Assert.Throws<ArgumentException>(() => VaultStoreFactory.Create(database));

        Assert.Contains("VAULT_DATABASE", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", VaultStoreFactory.Describe(database), StringComparison.Ordinal);
    }
}
