using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Broker;

/// <summary>
/// A queue worker: consumes its model version's items with manual acknowledgements and a prefetch of 2 x jobs,
/// screens each one and commits its result with the item (one store transaction), and only then acknowledges.
/// A worker killed before the ack leaves the message unacknowledged, so the broker hands it to another worker;
/// the item's pending-only completion makes that second delivery a no-op if the first one had committed. It also
/// consumes the dead-letter queue, finishing each dead item as processing-failed so its job completes. Database
/// outages are waited out with back-off while the message is held (not acknowledged, not lost).
/// </summary>
public sealed class QueueWorker(IConnection connection, QueuedItemProcessor processor, int jobs, ILogger logger)
{
    /// <summary>Tries of one item that fail inside this worker (not the database) before it is returned to the queue.</summary>
    private const int InProcessTries = 3;

    private static readonly TimeSpan WrongModelsPause = TimeSpan.FromSeconds(5);
    private long _done;
    private int _inFlight;

    /// <summary>Items this worker finished (screened, or found finished) and acknowledged.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>How often the worker logs its throughput.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then finishes the items in hand and returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var items = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)jobs),
            CancellationToken.None);
        string queue = await BrokerTopology.DeclareAsync(items, processor.ModelVersion, cancellationToken);
        await items.BasicQosAsync(0, (ushort)Math.Min(ushort.MaxValue, 2 * jobs), global: false, CancellationToken.None);
        var itemConsumer = new AsyncEventingBasicConsumer(items);
        itemConsumer.ReceivedAsync += (_, delivery) => OnItemAsync(items, delivery, cancellationToken);
        string itemTag = await items.BasicConsumeAsync(queue, autoAck: false, itemConsumer, CancellationToken.None);

        await using var dead = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
        await dead.BasicQosAsync(0, 4, global: false, CancellationToken.None);
        var deadConsumer = new AsyncEventingBasicConsumer(dead);
        deadConsumer.ReceivedAsync += (_, delivery) => OnDeadAsync(dead, delivery, cancellationToken);
        string deadTag = await dead.BasicConsumeAsync(BrokerTopology.DeadLetterQueue, autoAck: false, deadConsumer, CancellationToken.None);
        logger.LogInformation("Worker consuming {Queue} with {Jobs} at a time (models {ModelVersion})", queue, jobs, processor.ModelVersion);

        var clock = Stopwatch.StartNew();
        long reported = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(ReportInterval, cancellationToken);
                long done = Done;
                logger.LogInformation("Worker: {Done} items in the last {Seconds:F0} s ({Rate:F1}/s), {Total} since start",
                    done - reported, clock.Elapsed.TotalSeconds, (done - reported) / clock.Elapsed.TotalSeconds, done);
                reported = done;
                clock.Restart();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: below.
        }

        logger.LogInformation("Worker stopping: no new items; finishing {InFlight} in hand", Volatile.Read(ref _inFlight));
        await CancelQuietly(items, itemTag);
        await CancelQuietly(dead, deadTag);
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref _inFlight) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private async Task OnItemAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            QueuedItem item;
            try
            {
                item = QueuedItem.Parse(delivery.Body.Span);
            }
            catch (FormatException e)
            {
                // Not ours or damaged: rejected without requeue, it goes to the dead-letter queue for a person to see.
                logger.LogError("Dropped a malformed message {MessageId}: {Reason}", delivery.BasicProperties.MessageId, e.Message);
                await Settle(channel, delivery.DeliveryTag, s => s.BasicRejectAsync(delivery.DeliveryTag, requeue: false));
                return;
            }

            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    // Screening is CPU-bound and synchronous: off the broker's dispatch loop.
                    var verdict = await StoreRetry.RunAsync(() => Task.Run(() => processor.ProcessAsync(item, stopping), stopping), logger, $"item {item.ItemId} of job {item.JobId}", stopping);
                    if (verdict == QueuedItemVerdict.WrongModels)
                    {
                        logger.LogWarning("Item {ItemId} of job {JobId} expects models {Expected}; this worker has {Have}: returned to the queue",
                            item.ItemId, item.JobId, item.ModelVersion, processor.ModelVersion);
                        await Task.Delay(WrongModelsPause, stopping);
                        await Settle(channel, delivery.DeliveryTag, s => s.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true));
                        return;
                    }

                    await Settle(channel, delivery.DeliveryTag, s => s.BasicAckAsync(delivery.DeliveryTag, multiple: false));
                    Interlocked.Increment(ref _done);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException && attempt < InProcessTries)
                {
                    logger.LogWarning("Item {ItemId} of job {JobId} failed in this worker ({Error}); trying again", item.ItemId, item.JobId, e.GetType().Name);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Returned to the queue: it counts against the delivery limit, so a file that always fails ends as processing-failed.
                    logger.LogError("Item {ItemId} of job {JobId} failed {Tries} times in this worker ({Error}); returned to the queue",
                        item.ItemId, item.JobId, attempt, e.GetType().Name);
                    await Settle(channel, delivery.DeliveryTag, s => s.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping mid-item: not acknowledged, so the broker hands it to another worker.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task OnDeadAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            QueuedItem item;
            try
            {
                item = QueuedItem.Parse(delivery.Body.Span);
            }
            catch (FormatException e)
            {
                logger.LogError("Dead letter {MessageId} is not a queued item ({Reason}); discarded", delivery.BasicProperties.MessageId, e.Message);
                await Settle(channel, delivery.DeliveryTag, s => s.BasicAckAsync(delivery.DeliveryTag, multiple: false));
                return;
            }

            long deliveries = DeliveryCount(delivery.BasicProperties);
            await StoreRetry.RunAsync(async () =>
            {
                await processor.GiveUpAsync(item, deliveries, stopping);
                return true;
            }, logger, $"dead item {item.ItemId} of job {item.JobId}", stopping);
            logger.LogWarning("Item {ItemId} of job {JobId} was dead-lettered after {Deliveries} deliveries: marked processing-failed", item.ItemId, item.JobId, deliveries);
            await Settle(channel, delivery.DeliveryTag, s => s.BasicAckAsync(delivery.DeliveryTag, multiple: false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Deliveries a dead letter had: the quorum queue's x-delivery-count (returns) plus the last one.</summary>
    internal static long DeliveryCount(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is { } headers && headers.TryGetValue("x-delivery-count", out object? value) && value is not null)
        {
            return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) + 1;
        }

        return BrokerTopology.DeliveryLimit + 1;
    }

    /// <summary>
    /// Acknowledges or returns a message. A channel that closed meanwhile (the broker restarted) cannot settle it;
    /// the broker then delivers it again, and the item's finished state makes that delivery a quick acknowledgement.
    /// </summary>
    private async Task Settle(IChannel channel, ulong tag, Func<IChannel, ValueTask> settle)
    {
        try
        {
            await settle(channel);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            logger.LogInformation("Could not settle delivery {Tag} ({Reason}); the broker will deliver it again", tag, e.GetBaseException().Message);
        }
    }

    private async Task CancelQuietly(IChannel channel, string tag)
    {
        try
        {
            await channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            logger.LogInformation("Consumer {Tag} already gone ({Reason})", tag, e.GetBaseException().Message);
        }
    }
}
