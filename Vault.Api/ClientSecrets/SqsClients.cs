using System.Text.RegularExpressions;
using Amazon.SQS;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// The SQS client for the rotation queue: credentials from the AWS SDK's default chain (environment, profile, container
/// or instance role), the endpoint from the queue URL itself, so the one variable names queue, endpoint and region.
/// </summary>
public static partial class SqsClients
{
    public static IAmazonSQS ForQueue(Uri queueUrl)
    {
        var config = new AmazonSQSConfig { ServiceURL = queueUrl.GetLeftPart(UriPartial.Authority) };
        var region = AwsHost().Match(queueUrl.Host);
        if (region.Success)
            config.AuthenticationRegion = region.Groups["region"].Value;
        return new AmazonSQSClient(config);
    }

    /// <summary>sqs.us-east-1.amazonaws.com and the legacy us-east-1.queue.amazonaws.com.</summary>
    [GeneratedRegex(@"^(?:sqs\.(?<region>[a-z0-9-]+)|(?<region>[a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?$")]
    private static partial Regex AwsHost();
}
