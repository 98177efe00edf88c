using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Vault.Tests.Deploy;

namespace Vault.Tests.ClientSecrets;

/// <summary>
/// moto_server (the same process MotoS3 starts; it serves SQS too) with a rotation queue whose redrive policy sends a
/// message to a dead-letter queue after <see cref="MaxReceiveCount"/> receives, and a 1 s visibility timeout so a
/// message a crashed consumer held comes back quickly.
/// </summary>
public sealed class MotoSqs : IAsyncDisposable
{
    public const int MaxReceiveCount = 2;

    private readonly MotoS3 _moto;

    private MotoSqs(MotoS3 moto, IAmazonSQS client, string queueUrl, string deadLetterUrl)
    {
        _moto = moto;
        Client = client;
        QueueUrl = queueUrl;
        DeadLetterUrl = deadLetterUrl;
    }

    /// <summary>A client like the vault's, with moto's placeholder credentials.</summary>
    public IAmazonSQS Client { get; }

    public string QueueUrl { get; }

    public string DeadLetterUrl { get; }

    /// <param name="maxReceiveCount">Receives before the redrive policy moves a message to the dead-letter queue.</param>
    /// <param name="visibilitySeconds">How long a received message stays hidden from other receivers.</param>
    public static async Task<MotoSqs> StartAsync(int maxReceiveCount = MaxReceiveCount, int visibilitySeconds = 1)
    {
        var moto = await MotoS3.StartAsync();
        var client = NewClient(moto.Endpoint);
        var deadLetter = await client.CreateQueueAsync("vault-rotation-dlq");
        var arn = (await client.GetQueueAttributesAsync(deadLetter.QueueUrl, ["QueueArn"])).QueueARN;
        var queue = await client.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "vault-rotation",
            Attributes = new Dictionary<string, string>
            {
                ["VisibilityTimeout"] = visibilitySeconds.ToString(CultureInfo.InvariantCulture),
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"{{maxReceiveCount.ToString(CultureInfo.InvariantCulture)}}"}""",
            },
        });
        return new MotoSqs(moto, client, queue.QueueUrl, deadLetter.QueueUrl);
    }

    public static IAmazonSQS NewClient(Uri endpoint) =>
        new AmazonSQSClient(new BasicAWSCredentials("test-access-key", "test-secret-key"), new AmazonSQSConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" });

    public IAmazonSQS NewClient() => NewClient(_moto.Endpoint);

    public Task SendAsync(string body) => Client.SendMessageAsync(QueueUrl, body);

    /// <summary>Visible plus in flight.</summary>
    public async Task<int> CountAsync(string queueUrl)
    {
        var attributes = await Client.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _moto.DisposeAsync();
    }
}
