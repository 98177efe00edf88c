namespace Vault.Tests;
public class SmokeTests { [Fact] public void StorageModelNamesMatchTheContract() => Assert.Equal("sp-api", Vault.Storage.ApiNames.SpApi); }
