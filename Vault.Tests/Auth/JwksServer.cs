using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Vault.Tests.Auth;

/// <summary>
/// A stand-in identity provider on a loopback port: serves a JWKS document the test can change (key rotation)
/// and records every request it gets, so a test can prove the vault fetched nothing it should not.
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    public const string JwksPath = "/jwks.json";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Lock _gate = new();
    private readonly List<Dictionary<string, string>> _keys = [];
    private int _disposed;

    private JwksServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri JwksUrl => new(BaseAddress, JwksPath.TrimStart('/'));

    /// <summary>Paths (with query) of every request received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public int JwksFetches => _requests.Count(r => r == JwksPath);

    public static async Task<JwksServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting(Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JwksServer(app);
        // Exactly one path serves the keys, as a static file host would: /jwks.json/ or /jwks.json?x is a 404.
        app.Run(async context =>
        {
            server._requests.Enqueue(context.Request.Path + context.Request.QueryString);
            if (context.Request.Path == JwksPath && !context.Request.QueryString.HasValue)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(server.Document());
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public void Publish(RSA rsa, string kid) => Add(Jwk.Rsa(rsa, kid));

    public void Publish(ECDsa ec, string kid) => Add(Jwk.EcP256(ec, kid));

    /// <summary>Stops publishing the key with this kid (the IdP rotated it out).</summary>
    public void Withdraw(string kid)
    {
        lock (_gate)
            _keys.RemoveAll(key => key["kid"] == kid);
    }

    public string Document()
    {
        lock (_gate)
            return JsonSerializer.Serialize(new { keys = _keys });
    }

    private void Add(Dictionary<string, string> key)
    {
        lock (_gate)
            _keys.Add(key);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Public JSON Web Keys as an IdP publishes them (RFC 7517, 7518 section 6).</summary>
    public static class Jwk
    {
        public static Dictionary<string, string> Rsa(RSA rsa, string kid)
        {
            var p = rsa.ExportParameters(includePrivateParameters: false);
            return new() { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = kid, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        }

        public static Dictionary<string, string> EcP256(ECDsa ec, string kid)
        {
            var p = ec.ExportParameters(includePrivateParameters: false);
            return new() { ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["crv"] = "P-256", ["kid"] = kid, ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        }
    }
}
