using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>The job queue already holds TbScreen:Jobs:MaxQueuedJobs jobs waiting to start.</summary>
public sealed class JobQueueFullException(int capacity)
    : Exception($"{capacity} jobs are already waiting to start (TbScreen:Jobs:MaxQueuedJobs); try again when one has started")
{
    public int Capacity { get; } = capacity;
}

/// <summary>
/// Job ids waiting for the <see cref="FolderJobWorker"/>. An entry is one long and the work itself is in the database,
/// so a job a restart loses is still a "created" row. New jobs are bounded (<see cref="JobOptions.MaxQueuedJobs"/>) so
/// a flood of requests cannot pile up unbounded work; jobs resumed at start are always taken.
/// </summary>
public sealed class JobQueue(IOptions<TbScreenOptions> options)
{
    private readonly Channel<long> _channel = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Throws <see cref="JobQueueFullException"/> when no new job may wait; callers check before creating one.</summary>
    public void EnsureRoom()
    {
        int capacity = options.Value.Jobs.MaxQueuedJobs;
        if (Waiting >= capacity)
        {
            throw new JobQueueFullException(capacity);
        }
    }

    public void Enqueue(long jobId)
    {
        if (!_channel.Writer.TryWrite(jobId))
        {
            throw new InvalidOperationException("The job queue is closed (the host is stopping).");
        }

        Interlocked.Increment(ref _waiting);
    }

    public async IAsyncEnumerable<long> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (long jobId in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            Interlocked.Decrement(ref _waiting);
            yield return jobId;
        }
    }
}
