using Vault.Api;

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
        Console.Error.WriteLine($"config: {problem}");
    return 2;
}
