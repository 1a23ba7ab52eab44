using TbScreen.Broker;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Jobs;

/// <summary>
/// What the jobs page shows about where jobs run. From the broker (when jobs go to workers): items waiting in the
/// queue, workers consuming it, dead letters. From the store: items finished in the last five minutes, per minute.
/// </summary>
public sealed record JobEngineView(string Dispatcher, bool Distributed, long? Waiting, int? Workers, long? DeadLetters, double ItemsPerMinute, string? BrokerProblem);

public sealed class JobEngineStatus(IItemDispatcher dispatcher, BrokerClient broker, IScreeningStore store, ILogger<JobEngineStatus> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public async Task<JobEngineView> ReadAsync(CancellationToken cancellationToken)
    {
        int finished = await store.CountFinishedItemsSinceAsync(DateTime.UtcNow - Window, cancellationToken);
        double perMinute = finished / Window.TotalMinutes;
        if (dispatcher is not BrokerItemDispatcher distributed)
        {
            return new JobEngineView(dispatcher.Describe, false, null, null, null, perMinute, null);
        }

        if (broker.Current is not { } connection)
        {
            // Not opened yet (no job since the host started) or still waiting for the broker: open it, but do not wait here.
            _ = broker.ConnectionAsync(CancellationToken.None).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return new JobEngineView(distributed.Describe, true, null, null, null, perMinute, "connecting to the broker");
        }

        try
        {
            var stats = await QueueStats.ReadAsync(connection, distributed.ModelVersion, cancellationToken);
            return new JobEngineView(distributed.Describe, true, stats.Waiting, stats.Workers, stats.DeadLetters, perMinute, null);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException)
        {
            logger.LogWarning("Cannot read the queue counts: {Reason}", e.GetBaseException().Message);
            return new JobEngineView(distributed.Describe, true, null, null, null, perMinute, "the broker cannot be reached");
        }
    }
}
