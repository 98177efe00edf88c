using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Vault.Tests.Storage;

/// <summary>
/// A throwaway PostgreSQL server for one test class (xunit class fixture): <c>initdb</c> into a temporary
/// directory, <c>pg_ctl start</c> on a free port on 127.0.0.1 with its unix socket in that directory, trust
/// authentication (initdb's pg_hba.conf: local socket and loopback only), fsync off; one database for the
/// class, and two login roles as a production deployment has them: <see cref="OwnerRole"/>, which owns the
/// vault's tables, and <see cref="AppRole"/>, which the vault serves as (neither a superuser). Stopped and deleted at the end. initdb and postgres refuse to run as root: as root, the directory
/// is handed to the <c>postgres</c> user (created by Debian's package) and both run through <c>runuser</c>.
/// A missing PostgreSQL is a failure with the fix in its message, never a skip: ./test.sh installs it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Database = "vault_tests";

    /// <summary>Owns the tables the tests' stores create: VAULT_DATABASE_OWNER.</summary>
    public const string OwnerRole = "vault_owner";

    /// <summary>What the vault serves as: VAULT_DATABASE. No superuser, no BYPASSRLS, owns nothing.</summary>
    public const string AppRole = "vault_app";

    /// <summary>The server's superuser: bypasses row-level security, so tests use it to see everything.</summary>
    public const string Superuser = "postgres";

    private const string ServerUser = Superuser;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "vault-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly bool _asRoot = Environment.UserName == "root";
    private string _bin = "";
    private bool _started;

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>A connection to the class's database (as the superuser unless <paramref name="user"/> says otherwise), over TCP on loopback; <paramref name="schema"/> sets the search path.</summary>
    public string ConnectionString(string? schema = null, string database = Database, string user = Superuser)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user,
            Database = database,
            Timeout = 10,
            CommandTimeout = 60,
        };
        if (schema is not null)
        {
            builder.SearchPath = schema;
        }

        return builder.ConnectionString;
    }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "The PostgreSQL tests need a PostgreSQL server (initdb, pg_ctl, postgres under /usr/lib/postgresql/<version>/bin " +
            "or on PATH) and none was found. Install it with `apt-get install -y postgresql` (./test.sh does this when it is missing).");
        Directory.CreateDirectory(_root);
        if (_asRoot)
        {
            await RunAsync("id", [ServerUser], "PostgreSQL refuses to run as root, and there is no 'postgres' user to run it as; `apt-get install -y postgresql` creates one.");
            await RunAsync("chown", [$"{ServerUser}:", _root], "could not hand the temporary directory to the postgres user");
        }

        await RunServerToolAsync("initdb", ["-D", DataDirectory, "-U", ServerUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200";
            try
            {
                await RunServerToolAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options]);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between the probe and the start: try another.
            }
        }

        _started = true;
        await using var admin = new NpgsqlConnection(ConnectionString(database: "postgres"));
        await admin.OpenAsync();

        // A linguistic default collation (ICU's root locale sorts "_x" < "a1" < "a-1" < "B" < "b"), so the tests
        // show that the store's own COLLATE "C" keeps seller ids bytewise whatever the database's locale.
        try
        {
            await using var icu = new NpgsqlCommand($"CREATE DATABASE {Database} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'und';", admin);
            await icu.ExecuteNonQueryAsync();
        }
        catch (PostgresException)
        {
            // A server without ICU: the database keeps initdb's C locale.
            await using var plain = new NpgsqlCommand($"CREATE DATABASE {Database};", admin);
            await plain.ExecuteNonQueryAsync();
        }

        await using var roles = new NpgsqlCommand($"CREATE ROLE {OwnerRole} LOGIN; CREATE ROLE {AppRole} LOGIN;", admin);
        await roles.ExecuteNonQueryAsync();
    }

    /// <summary>A new schema owned by <see cref="OwnerRole"/>, for one test's tables.</summary>
    public Task CreateSchemaAsync(string schema) => ScalarAsync($"CREATE SCHEMA {schema} AUTHORIZATION {OwnerRole};");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started)
            {
                await RunServerToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"]);
            }
        }
        finally
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    /// <summary>Runs SQL on a fresh connection (no pool) to the class's database.</summary>
    public async Task<object?> ScalarAsync(string sql, string? schema = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(schema) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The newest installed server's bin directory (Debian's layout), else the directory of an initdb on PATH.</summary>
    private static string? FindBinaries()
    {
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var newest = Directory.GetDirectories(debian)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(x => File.Exists(Path.Combine(x.Dir, "bin", "initdb")) && File.Exists(Path.Combine(x.Dir, "bin", "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return Path.Combine(newest.Dir, "bin");
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunServerToolAsync(string tool, string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        return _asRoot
            ? RunAsync("runuser", ["-u", ServerUser, "--", path, .. arguments], $"{tool} failed")
            : RunAsync(path, arguments, $"{tool} failed");
    }

    private async Task RunAsync(string fileName, string[] arguments, string failure)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root, // initdb and postgres must be able to enter their working directory
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{failure}: {fileName} did not finish within 90 s");
        }

        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            throw new InvalidOperationException(
                $"{failure} (exit {process.ExitCode}): {await stderr}{await stdout}{(log.Length > 0 ? "\nserver log:\n" + log : "")}");
        }
    }
}
