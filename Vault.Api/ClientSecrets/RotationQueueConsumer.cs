using Amazon.SQS;
using Amazon.SQS.Model;
using Vault.Api.Configuration;

namespace Vault.Api.ClientSecrets;

/// <summary>How often the background services look; tests shorten them.</summary>
public sealed class ClientSecretTimings
{
    /// <summary>How often each instance reads the stored secret (and checks whether a rotation is due).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>SQS long polling: how long one receive waits for a message (20 s is SQS's maximum).</summary>
    public int ReceiveWaitSeconds { get; init; } = 20;

    /// <summary>After SQS or the database failed, before the next receive.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Consumes SPAPI_ROTATION_QUEUE_URL, the SQS queue Amazon sends the application's notifications to. A message is
/// deleted only once it is handled: a new secret durably stored, an expiry recorded and its rotation requested. Anything
/// else stays: it becomes visible again after the queue's visibility timeout, and the queue's redrive policy moves it to
/// the dead-letter queue after maxReceiveCount receives. A crash between receive and store loses nothing for the same reason.
/// https://developer-docs.amazon.com/sp-api/docs/rotate-your-application-client-secret
/// </summary>
public sealed partial class RotationQueueConsumer(
    IAmazonSQS sqs, StoredClientSecrets stored, VaultOptions options, ClientSecretTimings timings, TimeProvider time, ILogger<RotationQueueConsumer> logger) : BackgroundService
{
    private readonly string _queueUrl = options.RotationQueueUrl!.ToString();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = _queueUrl,
                    MaxNumberOfMessages = 10,
                    WaitTimeSeconds = timings.ReceiveWaitSeconds,
                }, stoppingToken);
                foreach (var message in received.Messages ?? [])
                {
                    if (await HandleAsync(message, stoppingToken))
                        await sqs.DeleteMessageAsync(_queueUrl, message.ReceiptHandle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (SQS, the database, a pool), the consumer goes on: a background failure must not stop the vault,
                // and the message it held comes back after the visibility timeout. The exception's type only: an SDK or
                // database message could quote a request.
                QueueFailed(logger, e.GetType().Name);
                await Task.Delay(timings.Backoff, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>True when the message is done with and may be deleted.</summary>
    private async Task<bool> HandleAsync(Message message, CancellationToken ct)
    {
        var notification = RotationNotification.Read(message.Body, options.SpApiClientId!);
        switch (notification.Kind)
        {
            case RotationNotificationKind.NewSecret:
                await stored.StoreNewAsync(notification.NewSecret!, notification.NewSecretExpiresAt, notification.OldSecretExpiresAt, ct);
                return true;
            case RotationNotificationKind.SecretExpiry:
                if (!await stored.RecordExpiryAsync(notification.SecretExpiresAt!.Value, ct))
                {
                    StaleExpiry(logger, message.MessageId);
                    return true;
                }
                return await stored.RequestRotationAsync("APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", ct);
            default:
                Foreign(logger, message.MessageId, notification.Reason);
                return false;
        }
    }

    [LoggerMessage(EventId = 1607, Level = LogLevel.Warning,
        Message = "Rotation queue message {MessageId} is left on the queue ({Reason}): the queue's redrive policy moves it to its dead-letter queue after maxReceiveCount receives")]
    private static partial void Foreign(ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 1613, Level = LogLevel.Information,
        Message = "Rotation queue message {MessageId} announces the expiry of a secret already replaced by a stored rotation: deleted, nothing to do")]
    private static partial void StaleExpiry(ILogger logger, string messageId);

    [LoggerMessage(EventId = 1608, Level = LogLevel.Warning, Message = "The rotation queue could not be read or a message not handled ({Error}); trying again shortly")]
    private static partial void QueueFailed(ILogger logger, string error);
}
