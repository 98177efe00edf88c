using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Vault.Storage;

/// <summary>One embedded <c>NNNN_name.sql</c> migration script.</summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Reads a store's embedded migration scripts, in version order, checked to run 1, 2, 3… without gaps or
/// duplicates. Each store passes its own resource prefix; a name in a deeper folder does not match the pattern,
/// so the SQLite scripts (Migrations/) never pick up the PostgreSQL ones (Migrations/Postgres/).
/// </summary>
internal static partial class MigrationScripts
{
    public static List<Migration> Load(string resourcePrefix)
    {
        var assembly = typeof(MigrationScripts).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            var match = FileName().Match(name[resourcePrefix.Length..]);
            if (match.Success)
                migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), name, ReadResource(assembly, name)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migration versions must run 1, 2, 3… without gaps or duplicates; found {migrations[i].Name}.");
        }
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_[A-Za-z0-9_]+\.sql$")]
    private static partial Regex FileName();
}
