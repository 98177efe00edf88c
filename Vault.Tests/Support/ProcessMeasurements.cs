namespace Vault.Tests.Support;

/// <summary>Tests that measure the whole process (allocations, memory) run alone, so other tests' work is not counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMeasurements
{
    public const string Name = "process measurements";
}
