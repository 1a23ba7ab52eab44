using TbScreen.Broker;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Jobs;

/// <summary>The RabbitMQ dispatcher over the host's shared broker connection (opened when the first job needs it).</summary>
public sealed class BrokerItemDispatcher(BrokerClient broker, IScreeningStore store, string modelVersion, ILogger<BrokerItemDispatcher> logger) : IItemDispatcher
{
    public string Describe => $"RabbitMQ queue {BrokerTopology.ItemsQueue(modelVersion)} at {broker.Shown}";

    public string ModelVersion => modelVersion;

    public async Task DispatchAsync(JobDispatch job, IReadOnlyList<BatchJobItemInfo> pending, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var connection = await broker.ConnectionAsync(cancellationToken);
        await new RabbitMqItemDispatcher(connection, store, modelVersion, logger).DispatchAsync(job, pending, progress, cancellationToken);
    }
}
