using System.Text.RegularExpressions;
using Npgsql;

namespace Vault.Storage.Postgres;

/// <summary>
/// The two spellings of a PostgreSQL connection the vault accepts in <c>VAULT_DATABASE</c>: Npgsql's
/// key/value form (<c>Host=db;Username=vault;Password=…;Database=vault</c>) and libpq's URI
/// (<c>postgresql://vault:…@db:5432/vault?sslmode=verify-full</c>), which Npgsql itself does not parse.
/// Both hold a password: nothing here puts the input, or the password, into a message.
/// </summary>
internal static partial class PostgresConnectionString
{
    public const string DefaultApplicationName = "amazon-token-vault";

    private const string NotValid =
        "VAULT_DATABASE is not a valid PostgreSQL connection string (expected Host=…;Username=…;Password=…;Database=… " +
        "or postgresql://user:password@host:port/database?sslmode=…).";

    // libpq's URI parameters and the Npgsql keywords they become; any other name is tried as an Npgsql keyword.
    private static readonly Dictionary<string, string> UriParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["host"] = "Host",
        ["port"] = "Port",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    /// <summary>True for a <c>postgres://</c> or <c>postgresql://</c> URI, or a key/value string with a <c>Host=</c> key.</summary>
    public static bool IsPostgres(string database) =>
        !string.IsNullOrWhiteSpace(database) && (UriScheme().IsMatch(database) || HostKey().IsMatch(database));

    /// <summary>The connection as an Npgsql builder, the URI form translated; the application name defaults to the vault's.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = UriScheme().IsMatch(database) ? FromUri(database.Trim()) : new NpgsqlConnectionStringBuilder(database);
        }
        catch (FormatException e)
        {
            // Raised by the URI translation with a message that names no value.
            throw new ArgumentException($"{NotValid} {e.Message}", nameof(database));
        }
        catch (ArgumentException)
        {
            // The builder's own message may quote the offending text, and that may be the password.
            throw new ArgumentException(NotValid, nameof(database));
        }

        builder.ApplicationName ??= DefaultApplicationName;
        return builder;
    }

    /// <summary>Where the connection goes, for messages and logs: database, host and port, never the user's password.</summary>
    public static string Describe(string database)
    {
        try
        {
            var builder = Parse(database);
            var port = builder.Host?.Contains(':', StringComparison.Ordinal) == true ? "" : $":{builder.Port}";
            return $"'{builder.Database ?? builder.Username ?? "(default)"}' on {builder.Host ?? "(default host)"}{port}";
        }
        catch (ArgumentException)
        {
            return "(unreadable PostgreSQL connection string)";
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(string uri)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var authority = rest;
        if (rest.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0)
        {
            authority = rest[..slash];
            if (Uri.UnescapeDataString(rest[(slash + 1)..]) is { Length: > 0 } name)
            {
                builder.Database = name;
            }
        }

        if (authority.LastIndexOf('@') is var at and >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        SetHosts(builder, authority);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("A URI parameter has no name or no value.");
            }

            var name = Uri.UnescapeDataString(pair[..eq]);
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (string.Equals(name, "sslmode", StringComparison.OrdinalIgnoreCase))
            {
                value = SslModes.TryGetValue(value, out var mode) ? mode : throw new FormatException("Unknown sslmode.");
            }

            try
            {
                builder[UriParameters.TryGetValue(name, out var keyword) ? keyword : name] = value;
            }
            catch (ArgumentException)
            {
                throw new FormatException($"The URI parameter '{name}' is unknown or has an invalid value.");
            }
        }

        return builder;
    }

    /// <summary><c>host</c>, <c>host:port</c>, <c>[::1]:port</c>, or several of them comma-separated (Npgsql's multi-host form).</summary>
    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string authority)
    {
        var hosts = authority.Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (hosts.Length == 0)
        {
            return;
        }

        if (hosts.Length > 1)
        {
            builder.Host = string.Join(',', hosts.Select(Uri.UnescapeDataString));
            return;
        }

        var host = hosts[0];
        var portAt = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.LastIndexOf(':');
        if (portAt > 0)
        {
            builder.Port = int.TryParse(host[(portAt + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                ? port
                : throw new FormatException("The URI's port is not a number.");
            host = host[..portAt];
        }

        if (Uri.UnescapeDataString(host.Trim('[', ']')) is { Length: > 0 } name)
        {
            builder.Host = name;
        }
    }

    [GeneratedRegex(@"^\s*postgres(ql)?://", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"(^|;)\s*host\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostKey();
}
