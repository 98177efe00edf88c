using System.CommandLine;
using System.Text.Json;
using Vault.Api.Amazon;
using Vault.Api.Auth;
using Vault.Api.Sellers;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Cli;

/// <summary>
/// <c>import-databorder --file export.jsonl</c>: bulk migration from a Data Border deployment. One JSON object per
/// line: <c>{"sellerId","api","region","dataBorderBlob","tenant"?}</c>. The records are stored as they are (format
/// databorder) and re-encrypted as v1 the first time their secret is presented, so no secret is needed here.
/// Every line is checked before anything is written; with any bad line nothing is written at all.
/// </summary>
public static class ImportDataBorderCommand
{
    public sealed record Row(string? SellerId, string? Api, string? Region, string? DataBorderBlob, string? Tenant);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static Command Create()
    {
        var file = new Option<FileInfo>("--file") { Description = "the Data Border export, JSON lines", Required = true };
        var replace = new Option<bool>("--replace") { Description = "overwrite connections that already exist (default: keep them and report)" };
        var command = new Command("import-databorder", "Import a Data Border export into the vault's database.") { file, replace };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"import-databorder: {path.FullName} does not exist");
                return 2;
            }
            var (rows, failures) = Parse(await File.ReadAllLinesAsync(path.FullName, ct));
            foreach (var failure in failures)
                await error.WriteLineAsync($"import-databorder: line {failure.Line}: {failure.Reason}");
            if (failures.Count > 0)
            {
                await error.WriteLineAsync($"import-databorder: {failures.Count} bad line(s); nothing was imported");
                return 1;
            }
            var (database, owner) = VaultCli.Database();
            await using var store = VaultStoreFactory.Create(database, owner);
            await store.MigrateAsync(ct);
            var (imported, kept) = await ImportAsync(store, rows, result.GetValue(replace), output, ct);
            await output.WriteLineAsync($"import-databorder: {imported} imported, {kept} kept as they were, 0 failed");
            return 0;
        });
        return command;
    }

    public sealed record ParsedRow(int Line, string Tenant, string SellerId, string Api, string Region, byte[] Blob);

    public sealed record Failure(int Line, string Reason);

    public static (List<ParsedRow> Rows, List<Failure> Failures) Parse(IReadOnlyList<string> lines)
    {
        var rows = new List<ParsedRow>();
        var failures = new List<Failure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var (row, reason) = ParseLine(lines[i]);
            if (row is not null && !seen.Add($"{row.Tenant}/{row.SellerId}/{row.Api}"))
                reason = "the same tenant, seller and api appear twice";
            if (reason is not null)
                failures.Add(new Failure(i + 1, reason));
            else
                rows.Add(row! with { Line = i + 1 });
        }
        return (rows, failures);
    }

    private static (ParsedRow? Row, string? Reason) ParseLine(string line)
    {
        Row? row;
        try
        {
            row = JsonSerializer.Deserialize<Row>(line, Json);
        }
        catch (JsonException)
        {
            return (null, "not a JSON object with sellerId, api, region, dataBorderBlob and optional tenant");
        }
        var tenant = row?.Tenant ?? CallerClaims.DefaultTenant;
        if (row is null || !Identifiers.IsValid(row.SellerId))
            return (null, "sellerId: 1-128 characters of A-Z a-z 0-9 . _ : -");
        if (!Identifiers.IsValid(tenant))
            return (null, "tenant: 1-128 characters of A-Z a-z 0-9 . _ : -");
        if (!Identifiers.IsApi(row.Api))
            return (null, "api: must be sp-api or ads");
        if (Region.Find(row.Region) is null)
            return (null, "region: must be na, eu or fe");
        if (DataBorderEnvelope.TryDecodeBase64(row.DataBorderBlob) is not { Length: > DataBorderEnvelope.SaltLength + DataBorderEnvelope.IvLength + DataBorderEnvelope.TagLength } blob)
            return (null, "dataBorderBlob: not a Data Border record");
        return (new ParsedRow(0, tenant, row.SellerId!, row.Api!, row.Region!, blob), null);
    }

    private static async Task<(int Imported, int Kept)> ImportAsync(IVaultStore store, List<ParsedRow> rows, bool replace, TextWriter output, CancellationToken ct)
    {
        int imported = 0, kept = 0;
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!replace && await store.GetConnectionAsync(row.Tenant, row.SellerId, row.Api, ct) is not null)
            {
                kept++;
            }
            else
            {
                var connection = new Connection(row.Tenant, row.SellerId, row.Api, row.Region, null, ConnectionStatus.Active, TokenFormats.DataBorder, row.Blob, now, now, null);
                await store.UpsertConnectionAsync(connection, new AuditEvent(row.Tenant, "connection.imported", "cli:import-databorder", row.SellerId, row.Api, row.Region, Detail: "format databorder"), ct);
                imported++;
            }
            await ProgressBar.WriteAsync(output, i + 1, rows.Count);
        }
        await output.WriteLineAsync();
        return (imported, kept);
    }
}
