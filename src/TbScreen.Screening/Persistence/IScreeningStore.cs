namespace TbScreen.Screening.Persistence;

/// <summary>A stored screening result: its ids and the outcome rebuilt from the row (FromStore = true).</summary>
public sealed record StoredOutcome(long ResultId, long? ImageId, long? StudyId, DateTime CreatedAt, ScreeningOutcome Outcome)
{
    /// <summary>True when this call inserted the row; false when an equal result (same image and models) already existed.</summary>
    public bool Created { get; init; }
}

public static class BatchJobStates
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
}

public sealed record BatchJobInfo(
    long Id,
    string? Key,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<string> Inputs,
    string? OptionsJson,
    string State,
    int Total,
    int Succeeded,
    int Failed)
{
    public int Pending => Total - Succeeded - Failed;
}

/// <summary>One file of a job. Status is "pending", "ok" or an error code.</summary>
public sealed record BatchJobItemInfo(long Id, long JobId, string Path, string Status, string? Error, string? ContentSha256, long? ResultId, int Attempts, DateTime UpdatedAt)
{
    public bool IsPending => Status == Entities.BatchJobItem.Pending;
}

public sealed record ReviewInfo(long Id, long ResultId, string Read, string? FinalLabel, string? Note, string Reviewer, DateTime ReviewedAt);

/// <summary>An audit row to write in the same transaction as the action it records (issue 17).</summary>
public sealed record AuditEntry(string Actor, string Action, string? Target = null, string? Detail = null);

public sealed record AuditEventInfo(long Id, DateTime At, string Actor, string Action, string? Target, string? Detail);

/// <summary>
/// The repository the batch CLI and the web API share. Thread-safe: each call uses its own DbContext, so one
/// instance serves parallel workers. Every write is one transaction.
/// </summary>
public interface IScreeningStore
{
    /// <summary>Creates the database if needed and applies pending migrations.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The reusable result for this image and model version, or null. The image is its SOP Instance UID when known,
    /// else its content SHA-256 (pass whichever you have; SOP wins). processing-failed results are never reused.
    /// </summary>
    Task<StoredOutcome?> FindCurrentResultAsync(string? contentSha256, string modelVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the outcome with its study and image. When an equal result exists (same image and model version,
    /// including one a racing writer just inserted) that one is returned and nothing is written (Created = false).
    /// </summary>
    Task<StoredOutcome> SaveOutcomeAsync(ScreeningOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Saves (or finds) the result and writes the audit row made from it in one transaction.</summary>
    Task<StoredOutcome> SaveOutcomeAsync(ScreeningOutcome outcome, Func<StoredOutcome, AuditEntry> audit, CancellationToken cancellationToken = default);

    Task<StoredOutcome?> GetResultAsync(long resultId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest result of each other image of the same patient (same keyed pseudonym), most recent first, at most
    /// <paramref name="count"/>; empty when the result's image has no pseudonym. For a reader comparing priors.
    /// </summary>
    Task<IReadOnlyList<StoredOutcome>> SamePatientResultsAsync(long resultId, int count, CancellationToken cancellationToken = default);

    /// <summary>Most recent first; for worklists.</summary>
    Task<IReadOnlyList<StoredOutcome>> RecentResultsAsync(int count, CancellationToken cancellationToken = default);

    Task<BatchJobInfo> CreateJobAsync(IReadOnlyList<string> inputs, string? optionsJson = null, string? key = null, CancellationToken cancellationToken = default);

    /// <summary>Creates the job and its audit row (made from the new job's id) in one transaction.</summary>
    Task<BatchJobInfo> CreateJobAsync(IReadOnlyList<string> inputs, string? optionsJson, string? key, Func<long, AuditEntry> audit, CancellationToken cancellationToken = default);

    Task<BatchJobInfo?> GetJobAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>The job created with this key, or null: how a rerun of the same command finds the job to resume.</summary>
    Task<BatchJobInfo?> FindJobByKeyAsync(string key, CancellationToken cancellationToken = default);

    Task SetJobStateAsync(long jobId, string state, CancellationToken cancellationToken = default);

    /// <summary>Sets the state and writes <paramref name="audit"/> in one transaction: neither happens without the other.</summary>
    Task SetJobStateAsync(long jobId, string state, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Adds pending items; paths already in the job are skipped (idempotent). Returns how many were new.</summary>
    Task<int> AddItemsAsync(long jobId, IEnumerable<string> paths, CancellationToken cancellationToken = default);

    /// <summary>Pending items in insertion order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<BatchJobItemInfo>> PendingItemsAsync(long jobId, int max = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>All items in insertion order (for writing the output of a resumed job).</summary>
    Task<IReadOnlyList<BatchJobItemInfo>> ItemsAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Counts one more attempt at a pending item and returns the count (to give up on a file that keeps crashing).</summary>
    Task<int> BeginItemAsync(long jobId, string path, CancellationToken cancellationToken = default);

    /// <summary>The item of <paramref name="jobId"/> keyed by <paramref name="path"/>, or null.</summary>
    Task<BatchJobItemInfo?> FindItemAsync(long jobId, string path, CancellationToken cancellationToken = default);

    /// <summary>Items of any job finished at or after <paramref name="since"/> (UTC): the engine's recent throughput.</summary>
    Task<int> CountFinishedItemsSinceAsync(DateTime since, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: stores the outcome (deduplicated like <see cref="SaveOutcomeAsync"/>), marks the item done
    /// and updates the job's counts. A kill before the commit leaves the item pending; completing an item that is
    /// already done changes nothing and returns its stored result.
    /// </summary>
    Task<StoredOutcome> CompleteItemAsync(long jobId, string path, ScreeningOutcome outcome, CancellationToken cancellationToken = default);

    Task<ReviewInfo> AddReviewAsync(long resultId, string reviewer, string read, string? finalLabel, string? note, CancellationToken cancellationToken = default);

    /// <summary>Adds the review and writes <paramref name="audit"/> in one transaction.</summary>
    Task<ReviewInfo> AddReviewAsync(long resultId, string reviewer, string read, string? finalLabel, string? note, AuditEntry audit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ReviewInfo>> ReviewsAsync(long resultId, CancellationToken cancellationToken = default);

    Task RecordAsync(string actor, string action, string? target = null, string? detail = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditEventInfo>> AuditTrailAsync(int count, CancellationToken cancellationToken = default);
}
