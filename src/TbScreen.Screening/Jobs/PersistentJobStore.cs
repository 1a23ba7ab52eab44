using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// Batch jobs in the screening store (SQLite by default, PostgreSQL by connection string). Items are keyed by
/// absolute path; each outcome is committed with its item in one transaction (IScreeningStore.CompleteItemAsync),
/// so a kill -9 loses at most the items in flight, which stay pending and are screened again on the rerun.
/// Calls are serialised: one writer keeps SQLite free of busy retries, and a row commit takes milliseconds
/// against tens of milliseconds of screening.
/// </summary>
public sealed class PersistentJobStore(IScreeningStore store) : IBatchJobStore
{
    /// <summary>Paths per AddItems call: keeps each statement's parameter list small on both databases.</summary>
    private const int AddChunk = 500;

    private readonly Lock _gate = new();
    private long _jobId;

    public static PersistentJobStore Open(string database)
    {
        var factory = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = database });
        return new PersistentJobStore(new EfScreeningStore(factory));
    }

    public IReadOnlyDictionary<string, BatchRow> OpenJob(string key, IReadOnlyList<string> arguments, IReadOnlyList<BatchInput> inputs, string optionsJson)
    {
        lock (_gate)
        {
            Wait(store.MigrateAsync());
            var job = Wait(store.FindJobByKeyAsync(key)) ?? Wait(store.CreateJobAsync(arguments, optionsJson, key));
            _jobId = job.Id;
            // Always add: idempotent, and it completes a registration that a kill cut short.
            foreach (var chunk in inputs.Chunk(AddChunk))
            {
                Wait(store.AddItemsAsync(_jobId, chunk.Select(i => i.FullPath)));
            }

            Wait(store.SetJobStateAsync(_jobId, BatchJobStates.Running));
            return FinishedRowsCore();
        }
    }

    /// <summary>The job opened by <see cref="OpenJob"/>.</summary>
    public long JobId => _jobId;

    /// <summary>The store underneath, for dispatchers that follow the job in it.</summary>
    public IScreeningStore Store => store;

    /// <summary>The rows of every finished item, by <see cref="BatchInput.FullPath"/> (as stored, whoever screened them).</summary>
    public IReadOnlyDictionary<string, BatchRow> FinishedRows()
    {
        lock (_gate)
        {
            return FinishedRowsCore();
        }
    }

    private Dictionary<string, BatchRow> FinishedRowsCore()
    {
        var finished = new Dictionary<string, BatchRow>(StringComparer.Ordinal);
        foreach (var item in Wait(store.ItemsAsync(_jobId)).Where(i => !i.IsPending))
        {
            var result = item.ResultId is long id ? Wait(store.GetResultAsync(id)) : null;
            finished[item.Path] = result is not null
                ? BatchRow.From(result.Outcome, item.Path)
                : new BatchRow { Path = item.Path, Status = item.Status, Error = item.Error };
        }

        return finished;
    }

    public int ItemStarted(BatchInput input)
    {
        lock (_gate)
        {
            return Wait(store.BeginItemAsync(_jobId, input.FullPath));
        }
    }

    public ScreeningOutcome ItemCompleted(BatchInput input, ScreeningOutcome outcome)
    {
        lock (_gate)
        {
            return Wait(store.CompleteItemAsync(_jobId, input.FullPath, outcome)).Outcome;
        }
    }

    public void JobFinished()
    {
        lock (_gate)
        {
            Wait(store.SetJobStateAsync(_jobId, BatchJobStates.Completed));
        }
    }

    public void Dispose()
    {
    }

    // The CLI has no synchronisation context, and EF Core awaits with ConfigureAwait(false): blocking is safe here.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
