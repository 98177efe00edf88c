using Npgsql;
using NpgsqlTypes;

namespace Vault.Storage.Postgres;

/// <summary>
/// Parameterised commands in one line. Every parameter carries its PostgreSQL type, so a null (a missing
/// seller id, an unused timestamp) is still typed and never leaves the server guessing.
/// </summary>
internal static class PostgresCommands
{
    public static NpgsqlParameter Text(string name, string? value) => Typed(name, NpgsqlDbType.Text, value);

    public static NpgsqlParameter Bytes(string name, byte[] value) => Typed(name, NpgsqlDbType.Bytea, value);

    public static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        Typed(name, NpgsqlDbType.TimestampTz, value is null ? null : PostgresTime.ToColumn(value.Value));

    public static NpgsqlParameter Int(string name, long? value) => Typed(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static NpgsqlParameter Typed(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };
}
