using Vault.Api.Cli;

return await VaultCli.RunAsync(args);
