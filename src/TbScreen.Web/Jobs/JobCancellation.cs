using System.Collections.Concurrent;

namespace TbScreen.Web.Jobs;

/// <summary>The running jobs' cancellation sources, so a user's cancel reaches the worker that runs the job.</summary>
public sealed class JobCancellation
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();

    /// <summary>A token for the job's run, cancelled by <see cref="Cancel"/> or by <paramref name="stopping"/>.</summary>
    internal CancellationTokenSource Begin(long jobId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[jobId] = source;
        return source;
    }

    internal void End(long jobId)
    {
        if (_running.TryRemove(jobId, out var source))
        {
            source.Dispose();
        }
    }

    /// <summary>Stops the job's run if it is running here; false when it is not (waiting, finished, or on another host).</summary>
    public bool Cancel(long jobId)
    {
        if (_running.TryGetValue(jobId, out var source))
        {
            try
            {
                source.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // it finished meanwhile
            }
        }

        return false;
    }
}
