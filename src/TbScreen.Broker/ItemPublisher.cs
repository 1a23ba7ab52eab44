using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using TbScreen.Screening.Jobs;

namespace TbScreen.Broker;

/// <summary>
/// Publishes queued items to their model version's quorum queue as persistent messages, with publisher confirms:
/// a batch counts as published only when the broker has confirmed every message in it (written to a quorum of its
/// nodes). A batch cut off by a lost connection is published again once the connection is back; a copy that got
/// through twice is harmless, because a worker acknowledges an already finished item without screening it.
/// </summary>
public sealed class ItemPublisher : IAsyncDisposable
{
    /// <summary>Messages in flight before their confirms are awaited.</summary>
    public const int Batch = 256;

    private const int MaxTries = 10;
    private readonly IChannel _channel;
    private readonly ILogger _logger;

    private ItemPublisher(IChannel channel, string queue, ILogger logger)
    {
        _channel = channel;
        Queue = queue;
        _logger = logger;
    }

    public string Queue { get; }

    public static async Task<ItemPublisher> OpenAsync(IConnection connection, string modelVersion, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        string queue = await BrokerTopology.DeclareAsync(channel, modelVersion, cancellationToken);
        return new ItemPublisher(channel, queue, logger);
    }

    public async Task PublishAsync(IEnumerable<QueuedItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var chunk in items.Chunk(Batch))
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await PublishChunkAsync(chunk, cancellationToken);
                    break;
                }
                catch (Exception e) when (attempt < MaxTries && e is AlreadyClosedException or OperationInterruptedException or PublishException or IOException)
                {
                    var wait = TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5)));
                    _logger.LogWarning("Publishing to {Queue} failed ({Reason}); publishing the batch again in {Seconds:F0} s", Queue, e.GetBaseException().Message, wait.TotalSeconds);
                    await Task.Delay(wait, cancellationToken);
                }
            }
        }
    }

    private async Task PublishChunkAsync(QueuedItem[] chunk, CancellationToken cancellationToken)
    {
        var confirms = new List<ValueTask>(chunk.Length);
        foreach (var item in chunk)
        {
            var properties = new BasicProperties
            {
                Persistent = true,
                ContentType = "application/json",
                MessageId = $"{item.JobId}/{item.ItemId}",
                Type = "tbscreen.item.v1",
            };
            // mandatory: an unroutable message (queue deleted meanwhile) comes back as an error instead of vanishing.
            confirms.Add(_channel.BasicPublishAsync(string.Empty, Queue, mandatory: true, properties, item.ToBytes(), cancellationToken));
        }

        foreach (var confirm in confirms)
        {
            await confirm;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.CloseAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Closing a channel of a connection that already went away.
        }

        _channel.Dispose();
    }
}
