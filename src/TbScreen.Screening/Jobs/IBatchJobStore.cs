using TbScreen.Screening;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// Where a batch job and its items live so a killed run can resume. Calls come from several workers at once;
/// implementations serialise them.
/// </summary>
public interface IBatchJobStore : IDisposable
{
    /// <summary>
    /// Finds the job with <paramref name="key"/> or creates it with every input as a pending item (in one
    /// transaction, so a kill during creation leaves no half-registered job). Returns the rows of items already
    /// finished, by <see cref="BatchInput.FullPath"/>.
    /// </summary>
    IReadOnlyDictionary<string, BatchRow> OpenJob(string key, IReadOnlyList<string> arguments, IReadOnlyList<BatchInput> inputs, string optionsJson);

    /// <summary>
    /// A worker starts the item; returns its attempt count, this one included (committed before screening, so a
    /// file that crashes the whole process is counted and can be skipped on the next run).
    /// </summary>
    int ItemStarted(BatchInput input);

    /// <summary>
    /// Stores the outcome and marks the item finished, atomically. Returns the outcome as stored (the store may
    /// hand back an equal earlier result for the same image), so this run writes the row a resumed run would.
    /// </summary>
    ScreeningOutcome ItemCompleted(BatchInput input, ScreeningOutcome outcome);

    void JobFinished();
}

/// <summary>No persistence (console mode without --db): nothing is resumable, nothing is written.</summary>
public sealed class NoJobStore : IBatchJobStore
{
    public IReadOnlyDictionary<string, BatchRow> OpenJob(string key, IReadOnlyList<string> arguments, IReadOnlyList<BatchInput> inputs, string optionsJson) =>
        new Dictionary<string, BatchRow>();

    public int ItemStarted(BatchInput input) => 1;

    public ScreeningOutcome ItemCompleted(BatchInput input, ScreeningOutcome outcome) => outcome;

    public void JobFinished()
    {
    }

    public void Dispose()
    {
    }
}
