using System.CommandLine;

namespace Vault.Api.Cli;

public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the HTTP service (the default when no command is given).");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, _) => ServeAsync([.. result.UnmatchedTokens]));
        return command;
    }

    public static async Task<int> ServeAsync(string[] args)
    {
        try
        {
            var app = VaultApp.Build(args);
            await app.MigrateAsync();
            await app.RunAsync();
            return 0;
        }
        catch (VaultApp.ConfigurationException e)
        {
            foreach (var problem in e.Problems)
                await Console.Error.WriteLineAsync($"config: {problem}");
            return 2;
        }
    }
}
