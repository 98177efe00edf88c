namespace Vault.Api.ClientSecrets;

/// <summary>One candidate secret. The value never leaves through ToString.</summary>
public sealed record ClientSecretCandidate(ClientSecretSlot Slot, string Value)
{
    public override string ToString() => $"ClientSecretCandidate {{ Slot = {Slot.Name()} }}";
}

/// <summary>
/// An immutable snapshot of one application's secrets: the one in use first, then the others in the order they are
/// tried on invalid_client. A switch or a newly stored secret replaces the snapshot as a whole.
/// </summary>
public sealed record ClientSecretCandidates(IReadOnlyList<ClientSecretCandidate> All, ClientSecretSlot InUse)
{
    public static readonly ClientSecretCandidates None = new([], ClientSecretSlot.Current);

    public ClientSecretCandidate? Chosen => All.FirstOrDefault(c => c.Slot == InUse) ?? (All.Count > 0 ? All[0] : null);

    public IEnumerable<ClientSecretCandidate> Others => All.Where(c => c != Chosen);

    public override string ToString() => $"ClientSecretCandidates {{ InUse = {InUse.Name()}, Count = {All.Count} }}";
}
