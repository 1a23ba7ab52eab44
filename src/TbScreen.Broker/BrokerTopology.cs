using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client;

namespace TbScreen.Broker;

/// <summary>
/// The queues, declared the same way by every publisher and worker (RabbitMQ refuses a redeclaration with other
/// arguments). Each model version has its own durable quorum queue, so a worker only ever takes the items of jobs
/// that expect its models; a message that keeps coming back unfinished (its workers died) is dead-lettered after
/// <see cref="DeliveryLimit"/> returns into one dead-letter queue that every worker watches.
/// </summary>
public static class BrokerTopology
{
    /// <summary>Returns to the queue (a worker died or its connection dropped while holding it) before a message is dead-lettered.</summary>
    public const int DeliveryLimit = 3;

    public const string DeadLetterExchange = "tbscreen.dead";

    public const string DeadLetterQueue = "tbscreen.items.dead";

    private const string ItemsPrefix = "tbscreen.items.";

    /// <summary>"tbscreen.items.alexnet@1.0.0+googlenet@1.0.0"; a version too long for a queue name is hashed.</summary>
    public static string ItemsQueue(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        return Encoding.UTF8.GetByteCount(modelVersion) <= 200
            ? ItemsPrefix + modelVersion
            : ItemsPrefix + "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelVersion)))[..32];
    }

    /// <summary>The items queue's arguments: quorum, the delivery limit, and at-least-once dead-lettering.</summary>
    public static Dictionary<string, object?> ItemsQueueArguments() => new()
    {
        ["x-queue-type"] = "quorum",
        ["x-delivery-limit"] = DeliveryLimit,
        ["x-dead-letter-exchange"] = DeadLetterExchange,
        ["x-dead-letter-routing-key"] = DeadLetterQueue,
        // At-least-once dead-lettering (a dead letter is not dropped if the broker fails while moving it) needs this overflow mode.
        ["x-dead-letter-strategy"] = "at-least-once",
        ["x-overflow"] = "reject-publish",
    };

    /// <summary>Declares the dead-letter exchange and queue, and the items queue of <paramref name="modelVersion"/>; returns its name.</summary>
    public static async Task<string> DeclareAsync(IChannel channel, string modelVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, DeadLetterQueue, cancellationToken: cancellationToken);
        string queue = ItemsQueue(modelVersion);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: ItemsQueueArguments(), cancellationToken: cancellationToken);
        return queue;
    }
}
