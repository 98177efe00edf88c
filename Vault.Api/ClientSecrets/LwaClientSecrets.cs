using System.Security.Cryptography;
using System.Text;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Observability;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// The LWA client secrets the vault may present, per application, and which one it presents now. Amazon keeps an old
/// secret valid for 7 days after a rotation, so during an overlap both work; when the one in use is refused
/// (invalid_client) <see cref="LwaClient"/> tries the others once and <see cref="TrySwitch"/> makes the one that worked
/// the choice of every later call. Snapshots are immutable and replaced by compare-and-swap, so concurrent refreshes
/// that all hit invalid_client switch once, and a stored rotation is never undone by a late switch.
/// https://developer-docs.amazon.com/sp-api/docs/rotate-your-application-client-secret
/// </summary>
public sealed class LwaClientSecrets
{
    private readonly Dictionary<AmazonApi, Holder> _holders = [];
    private readonly VaultMetrics _metrics;
    private readonly ILogger<LwaClientSecrets> _logger;

    public LwaClientSecrets(VaultOptions options, VaultMetrics metrics, ILogger<LwaClientSecrets> logger)
    {
        _metrics = metrics;
        _logger = logger;
        Configure(AmazonApi.SpApi, options.SpApiClientSecret, options.SpApiClientSecretPrevious);
        Configure(AmazonApi.Ads, options.AdsClientSecret, options.AdsClientSecretPrevious);
    }

    public ClientSecretCandidates For(AmazonApi api) => _holders[api].Value;

    /// <summary>
    /// Makes <paramref name="to"/> the secret in use, if the snapshot is still <paramref name="seen"/> (the one the caller
    /// tried): of concurrent callers that saw the same refusal, one switches and logs; the others find it done.
    /// </summary>
    public void TrySwitch(AmazonApi api, ClientSecretCandidates seen, ClientSecretSlot to)
    {
        var holder = _holders[api];
        var switched = seen with { InUse = to };
        if (ReferenceEquals(Interlocked.CompareExchange(ref holder.Value, switched, seen), seen))
        {
            ClientSecretsLog.Switched(_logger, api.Name, seen.InUse.Name(), to.Name());
            _metrics.ClientSecretInUse(api.Name, to.Name());
        }
    }

    /// <summary>
    /// Puts the secret Amazon published (and the one it replaced, while that still works) in front of the configured
    /// ones and uses it from now on. Called at once by the instance that stored it, and by every instance that polls it in.
    /// </summary>
    public void UseRotated(AmazonApi api, string rotated, string? replaced)
    {
        var holder = _holders[api];
        while (true)
        {
            var seen = holder.Value;
            if (seen.InUse == ClientSecretSlot.Rotated && seen.Chosen is { } chosen && SameSecret(chosen.Value, rotated)
                && SameSecret(seen.All.FirstOrDefault(c => c.Slot == ClientSecretSlot.RotatedOld)?.Value, replaced))
                return;
            var candidates = new List<ClientSecretCandidate> { new(ClientSecretSlot.Rotated, rotated) };
            if (replaced is not null)
                candidates.Add(new(ClientSecretSlot.RotatedOld, replaced));
            candidates.AddRange(seen.All.Where(c => c.Slot is ClientSecretSlot.Current or ClientSecretSlot.Previous));
            var next = new ClientSecretCandidates(Distinct(candidates), ClientSecretSlot.Rotated);
            if (ReferenceEquals(Interlocked.CompareExchange(ref holder.Value, next, seen), seen))
            {
                ClientSecretsLog.UsingRotated(_logger, api.Name);
                _metrics.ClientSecretInUse(api.Name, ClientSecretSlot.Rotated.Name());
                return;
            }
        }
    }

    private void Configure(AmazonApi api, string? current, string? previous)
    {
        var candidates = new List<ClientSecretCandidate>();
        if (current is not null)
            candidates.Add(new(ClientSecretSlot.Current, current));
        if (previous is not null)
            candidates.Add(new(ClientSecretSlot.Previous, previous));
        _holders[api] = new Holder { Value = new ClientSecretCandidates(Distinct(candidates), ClientSecretSlot.Current) };
        if (current is not null)
            _metrics.ClientSecretInUse(api.Name, ClientSecretSlot.Current.Name());
    }

    /// <summary>The same secret twice (an operator who copied the rotated one into the environment) is tried once.</summary>
    private static List<ClientSecretCandidate> Distinct(IEnumerable<ClientSecretCandidate> candidates)
    {
        var kept = new List<ClientSecretCandidate>();
        foreach (var candidate in candidates)
        {
            if (!kept.Any(k => SameSecret(k.Value, candidate.Value)))
                kept.Add(candidate);
        }
        return kept;
    }

    private static bool SameSecret(string? a, string? b) =>
        a is null || b is null ? a is null && b is null : CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private sealed class Holder
    {
        public ClientSecretCandidates Value = ClientSecretCandidates.None;
    }
}
