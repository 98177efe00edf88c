using Vault.AmazonSimulator;

SimulatorApp.Build(args).Run();
