using System.CommandLine;
using Vault.Api.Configuration;

namespace Vault.Api.Cli;

/// <summary>
/// The vault executable's commands. No arguments, or ASP.NET Core's own (--urls …), means serve: that is how
/// the container starts it. Every command exits non-zero with a one-line reason on bad input and writes nothing.
/// </summary>
public static class VaultCli
{
    public static readonly string[] Commands = ["serve", "secret", "token", "migrate", "compact", "copy-database", "import-databorder", "check-config", "app-secret", "--help", "-h", "-?", "--version"];

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        // ASP.NET Core's own switches (--urls …) also mean serve; a word that is not a command is a typo, not a server.
        if (args.Length == 0 || (args[0].StartsWith('-') && !Commands.Contains(args[0], StringComparer.Ordinal)))
            return await ServeCommand.ServeAsync(args);

        var root = new RootCommand("Amazon token vault: holds sellers' Amazon refresh tokens encrypted under secrets it never stores.")
        {
            ServeCommand.Create(),
            SecretCommand.Create(),
            TokenCommand.Create(),
            MaintenanceCommands.Migrate(),
            MaintenanceCommands.Compact(),
            MaintenanceCommands.CheckConfig(),
            ImportDataBorderCommand.Create(),
            CopyDatabaseCommand.Create(),
            AppSecretCommand.Create(),
        };
        var configuration = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        return await root.Parse(args).InvokeAsync(configuration);
    }

    /// <summary>The process environment as configuration, exactly as the server reads it.</summary>
    public static IConfiguration Environment() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>The vault's options from the environment, read as the server reads them but not validated: a command checks what it uses.</summary>
    public static VaultOptions Options() => VaultConfiguration.Bind(Environment());

    /// <summary>VAULT_DATABASE and, for PostgreSQL, VAULT_DATABASE_OWNER.</summary>
    public static (string Database, string? Owner) Database()
    {
        var options = Options();
        return (options.Database, options.DatabaseOwner);
    }
}
