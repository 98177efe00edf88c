using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Vault.AmazonSimulator.Lwa;

/// <summary>
/// The client secrets LWA accepts for each registered client, changeable at run time (<c>POST /_sim/client-secrets</c>) so
/// a test can rotate "at Amazon": after a rotation Amazon accepts the old and the new secret until the old one expires,
/// then only the new one (https://developer-docs.amazon.com/sp-api/docs/rotate-your-application-client-secret). Any other
/// secret is answered <c>invalid_client</c> (<see cref="LwaErrors.InvalidClient"/>).
/// </summary>
public sealed class AcceptedClientSecrets
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _secrets = new(StringComparer.Ordinal);
    private readonly SimulatorOptions _options;

    public AcceptedClientSecrets(SimulatorOptions options)
    {
        _options = options;
        Reset();
    }

    /// <summary>Replaces the secrets <paramref name="clientId"/> is accepted with; false for an unknown client or an empty set.</summary>
    public bool Set(string clientId, IReadOnlyList<string> secrets)
    {
        if (_options.FindClient(clientId) is null || secrets.Count == 0 || secrets.Any(string.IsNullOrEmpty))
        {
            return false;
        }

        _secrets[clientId] = [.. secrets];
        return true;
    }

    public IReadOnlyList<string> For(string clientId) => _secrets.TryGetValue(clientId, out var secrets) ? secrets : [];

    /// <summary>Constant-time against each accepted secret, as a real authorization server compares them.</summary>
    public bool Accepts(string clientId, string clientSecret)
    {
        var presented = Encoding.UTF8.GetBytes(clientSecret);
        var accepted = false;
        foreach (var secret in For(clientId))
        {
            accepted |= CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), presented);
        }

        return accepted;
    }

    /// <summary>Back to the configured secrets: each client's <see cref="LwaClient.ClientSecret"/> and its <see cref="SimulatorOptions.AcceptedClientSecrets"/>.</summary>
    public void Reset()
    {
        _secrets.Clear();
        foreach (var client in _options.Clients)
        {
            _secrets[client.ClientId] = _options.AcceptedClientSecrets.TryGetValue(client.ClientId, out var configured) && configured.Count > 0
                ? [.. configured]
                : [client.ClientSecret];
        }
    }
}
