using System.Threading.Channels;
using TbScreen.Screening;

namespace TbScreen.Screening.Jobs;

/// <summary>What a run did: rows written, and how many of them are not ok (exit code 1 when any).</summary>
public sealed record BatchSummary(int Rows, int Failed, int Screened, int FromStore);

/// <summary>
/// A bounded producer/consumer pipeline: one producer feeds pending inputs into a channel of capacity 2 x jobs,
/// <c>jobs</c> workers screen them (one file in memory each), and the calling thread records each outcome in the
/// job store and writes rows in input order. Memory stays bounded by the channel capacities and the workers' files,
/// whatever the size of the archive; only paths and finished rows (a few hundred bytes each) are held for the
/// whole run.
/// </summary>
public sealed class BatchRunner(IScreeningPipeline pipeline, IBatchJobStore store, int jobs)
{
    public BatchSummary Run(IReadOnlyList<BatchInput> inputs, IReadOnlyDictionary<string, BatchRow> finished,
        IResultWriter writer, IBatchProgress progress, CancellationToken cancellationToken = default)
    {
        int capacity = 2 * jobs;
        var work = Channel.CreateBounded<BatchInput>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        var results = Channel.CreateBounded<(BatchInput Input, ScreeningOutcome Outcome)>(new BoundedChannelOptions(capacity) { SingleReader = true });

        int alreadyDone = inputs.Count(i => finished.ContainsKey(i.FullPath));
        progress.Started(inputs.Count, alreadyDone);

        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var input in inputs)
                {
                    if (!finished.ContainsKey(input.FullPath))
                    {
                        await work.Writer.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                work.Writer.Complete();
            }
        }, cancellationToken);

        var workers = Enumerable.Range(0, jobs).Select(_ => Task.Run(async () =>
        {
            await foreach (var input in work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                int attempt = store.ItemStarted(input);
                var outcome = ItemAttempts.Exhausted(attempt) ? ItemAttempts.GaveUp(input.DisplayPath, attempt, pipeline.ModelVersion) : ScreenOne(input, cancellationToken);
                await results.Writer.WriteAsync((input, outcome), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)).ToArray();

        _ = Task.WhenAll(workers.Append(producer)).ContinueWith(
            t => results.Writer.Complete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        // Rows leave in input order: a finished row waits here until every earlier input has its row.
        var waiting = new Dictionary<int, BatchRow>();
        int next = 0, failed = 0, screened = 0;
        void Emit(BatchRow row)
        {
            writer.Write(row);
            failed += row.IsOk ? 0 : 1;
        }

        void Drain()
        {
            for (; next < inputs.Count; next++)
            {
                var input = inputs[next];
                if (finished.TryGetValue(input.FullPath, out var stored))
                {
                    Emit(stored with { Path = input.DisplayPath });
                }
                else if (waiting.Remove(input.Index, out var row))
                {
                    Emit(row);
                }
                else
                {
                    return;
                }
            }
        }

        Drain();
        var reader = results.Reader;
        while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var done))
            {
                var stored = store.ItemCompleted(done.Input, done.Outcome);
                var row = BatchRow.From(stored, done.Input.DisplayPath);
                screened++;
                progress.ItemDone(row.IsOk);
                waiting[done.Input.Index] = row;
                Drain();
            }
        }

        // Surfaces a worker's unexpected exception (they report per-file problems as outcomes, never throw for them).
        Task.WaitAll([.. workers, producer], cancellationToken);
        writer.Complete();
        progress.Finished();
        store.JobFinished();
        return new BatchSummary(next, failed, screened, alreadyDone);
    }

    /// <summary>
    /// Screens one file. A cheap look at its first bytes turns away what is not DICOM, PNG or JPEG before the
    /// pipeline reads the whole file (an archive may hold videos or reports); the pipeline decides the rest.
    /// </summary>
    private ScreeningOutcome ScreenOne(BatchInput input, CancellationToken cancellationToken)
    {
        try
        {
            if (InputSniffer.WhyNotAnImage(input.DisplayPath) is { } reason)
            {
                return new ScreeningOutcome
                {
                    Source = input.DisplayPath,
                    Status = ScreeningStatus.UnreadableImage,
                    Error = reason,
                    ModelVersion = pipeline.ModelVersion,
                };
            }

            return pipeline.Screen(input.DisplayPath, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The pipeline promises not to throw for bad input; anything else still must not stop the batch.
            return new ScreeningOutcome
            {
                Source = input.DisplayPath,
                Status = ScreeningStatus.ProcessingFailed,
                Error = $"{e.GetType().Name}: {e.Message}",
                ModelVersion = pipeline.ModelVersion,
            };
        }
    }
}
