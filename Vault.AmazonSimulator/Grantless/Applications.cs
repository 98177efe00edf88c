using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.Grantless;

/// <summary>One rotateApplicationClientSecret call that Amazon accepted.</summary>
public sealed record RotationRequest(string ClientId, string Queue, DateTimeOffset At);

/// <summary>
/// What the developer console knows about each SP-API application beyond its LWA client: the grantless scopes it may
/// not use (an app without the role gets <c>invalid_scope</c> from LWA), and the SQS queue registered for
/// application notifications, without which rotateApplicationClientSecret is refused
/// (https://developer-docs.amazon.com/sp-api/docs/rotate-your-application-client-secret). By default an app may use
/// every grantless scope and has no queue, as a new app has none.
/// </summary>
public sealed class Applications
{
    private readonly ConcurrentDictionary<(string ClientId, string Scope), bool> _deniedScopes = new();
    private readonly ConcurrentDictionary<string, string> _rotationQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RotationRequest> _rotations = new();

    public void DenyScope(string clientId, string scope) => _deniedScopes[(clientId, scope)] = true;

    public bool MayUse(string clientId, string scope) => !_deniedScopes.ContainsKey((clientId, scope));

    /// <summary>Registers the queue (an SQS ARN or URL) Amazon publishes the app's new client secrets to.</summary>
    public void RegisterRotationQueue(string clientId, string queue) => _rotationQueues[clientId] = queue;

    public string? RotationQueue(string clientId) => _rotationQueues.TryGetValue(clientId, out var queue) ? queue : null;

    public void RecordRotation(RotationRequest request) => _rotations.Enqueue(request);

    /// <summary>Accepted rotations, oldest first; publishing the new secret is the caller's to simulate.</summary>
    public IReadOnlyList<RotationRequest> Rotations => [.. _rotations];

    public void Clear()
    {
        _deniedScopes.Clear();
        _rotationQueues.Clear();
        _rotations.Clear();
    }
}
