using TbScreen.Broker;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Jobs;

/// <summary>The RabbitMQ dispatcher over the host's shared broker connection (opened when the first job needs it).</summary>
/// <param name="modelVersion">The models' own version: it names their queue.</param>
/// <param name="stability">The host's stability check, which every item carries to the workers; null: none.</param>
public sealed class BrokerItemDispatcher(BrokerClient broker, IScreeningStore store, string modelVersion, StabilityOptions? stability, ILogger<BrokerItemDispatcher> logger) : IItemDispatcher
{
    public string Describe => $"RabbitMQ queue {BrokerTopology.ItemsQueue(modelVersion)} at {broker.Shown}";

    public string ModelVersion => modelVersion;

    public StabilityOptions? Stability => stability;

    public async Task DispatchAsync(JobDispatch job, IReadOnlyList<BatchJobItemInfo> pending, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        var connection = await broker.ConnectionAsync(cancellationToken);
        await new RabbitMqItemDispatcher(connection, store, modelVersion, logger) { Stability = stability }.DispatchAsync(job, pending, progress, cancellationToken);
    }
}
