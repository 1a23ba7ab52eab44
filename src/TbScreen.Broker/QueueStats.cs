using RabbitMQ.Client;

namespace TbScreen.Broker;

/// <summary>What the broker says about a model version's queue: items waiting, workers consuming, and dead letters.</summary>
public sealed record QueueStats(string Queue, long Waiting, int Workers, long DeadLetters)
{
    /// <summary>Reads the counts with passive declares (they never create or change a queue).</summary>
    public static async Task<QueueStats> ReadAsync(IConnection connection, string modelVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        // Declaring is idempotent with the same arguments, and makes the counts readable before the first job.
        string queue = await BrokerTopology.DeclareAsync(channel, modelVersion, cancellationToken);
        var items = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        var dead = await channel.QueueDeclarePassiveAsync(BrokerTopology.DeadLetterQueue, cancellationToken);
        return new QueueStats(queue, items.MessageCount, (int)items.ConsumerCount, dead.MessageCount);
    }
}
