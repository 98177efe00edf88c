using System.Text.Json;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Support;

namespace Vault.Tests.Crypto;

/// <summary>The kit of good and bad blobs in Vectors/envelopes.json, made by Node from docs/FORMAT.md.</summary>
public class EnvelopeVectorTests
{
    public sealed record Vector(string Name, string Format, string Blob, string Secret, string Tenant, string SellerId, string Api, string Expect, string? Token);

    public static TheoryData<string> Names() => new(Load().Select(v => v.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void EachVectorOpensOrFailsAsRecorded(string name)
    {
        var vector = Load().Single(v => v.Name == name);
        using var secret = SellerSecret.Parse(vector.Secret);

        var result = TokenEnvelope.Open(vector.Format, Convert.FromBase64String(vector.Blob), secret, new TokenBinding(vector.Tenant, vector.SellerId, vector.Api));

        var outcome = result.Failure switch
        {
            OpenFailure.None => "opens",
            OpenFailure.SecretMismatch => "secret_mismatch",
            _ => "corrupt",
        };
        Assert.Equal(vector.Expect, outcome);
        Assert.Equal(vector.Token, result.Token?.Value);
    }

    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task AV1BlobMadeByNodeFromTheSpecOpensInDotNet()
    {
        var secretText = SellerSecret.Generate();
        using var secret = SellerSecret.Parse(secretText);
        var input = JsonSerializer.Serialize(new { data = "Atzr|live-v1", secret = secretText, tenant = "t", sellerId = "s:1", api = "sp-api" });
        var run = await ExternalProcess.RunAsync("node", [ExternalProcess.TestFile("Crypto", "v1.js")], input);
        Assert.Equal(0, run.ExitCode);

        var result = V1Envelope.Open(Convert.FromBase64String(run.Stdout), secret, new TokenBinding("t", "s:1", "sp-api"));

        Assert.Equal("Atzr|live-v1", result.Token?.Value);
    }

    private static List<Vector> Load() =>
        JsonSerializer.Deserialize<List<Vector>>(File.ReadAllText(ExternalProcess.TestFile("Crypto", "Vectors", "envelopes.json")), Json)!;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
