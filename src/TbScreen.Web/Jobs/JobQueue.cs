using System.Threading.Channels;

namespace TbScreen.Web.Jobs;

/// <summary>
/// Job ids waiting for the <see cref="FolderJobWorker"/>. Unbounded because an entry is one long: the work itself
/// is in the database, so a queued job that a restart loses is still a "created" row, not lost work.
/// </summary>
public sealed class JobQueue
{
    private readonly Channel<long> _channel = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(long jobId)
    {
        if (!_channel.Writer.TryWrite(jobId))
        {
            throw new InvalidOperationException("The job queue is closed (the host is stopping).");
        }
    }

    public IAsyncEnumerable<long> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}
