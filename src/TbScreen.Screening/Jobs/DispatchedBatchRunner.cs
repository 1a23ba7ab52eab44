namespace TbScreen.Screening.Jobs;

/// <summary>
/// A batch run whose items are screened wherever an <see cref="IItemDispatcher"/> sends them (workers on other
/// machines): the job's pending items go to the dispatcher, progress follows the job's counts in the store, and once
/// nothing is pending the rows are written in input order from the store, exactly as a local run writes them. A
/// rerun of the same job finds the finished items in the store and dispatches only the rest.
/// </summary>
public sealed class DispatchedBatchRunner(PersistentJobStore store, IItemDispatcher dispatcher)
{
    public async Task<BatchSummary> RunAsync(IReadOnlyList<BatchInput> inputs, IReadOnlyDictionary<string, BatchRow> finished,
        IResultWriter writer, IBatchProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(finished);
        int alreadyDone = inputs.Count(i => finished.ContainsKey(i.FullPath));
        progress.Started(inputs.Count, alreadyDone);

        var start = await store.Store.GetJobAsync(store.JobId, cancellationToken) ?? throw new InvalidOperationException($"job {store.JobId} is not in the store");
        var pending = await store.Store.PendingItemsAsync(store.JobId, cancellationToken: cancellationToken);
        var seen = new JobProgress(start.Total, start.Succeeded, start.Failed);
        await dispatcher.DispatchAsync(new JobDispatch(store.JobId), pending, new SyncProgress(now =>
        {
            for (int i = seen.Succeeded; i < now.Succeeded; i++)
            {
                progress.ItemDone(true);
            }

            for (int i = seen.Failed; i < now.Failed; i++)
            {
                progress.ItemDone(false);
            }

            seen = now;
        }), cancellationToken);

        var rows = store.FinishedRows();
        int failed = 0;
        foreach (var input in inputs)
        {
            if (!rows.TryGetValue(input.FullPath, out var row))
            {
                throw new InvalidOperationException($"job {store.JobId} finished without a row for input {input.Index + 1}");
            }

            writer.Write(row with { Path = input.DisplayPath });
            failed += row.IsOk ? 0 : 1;
        }

        writer.Complete();
        progress.Finished();
        store.JobFinished();
        return new BatchSummary(inputs.Count, failed, inputs.Count - alreadyDone, alreadyDone);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class SyncProgress(Action<JobProgress> report) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => report(value);
    }
}
