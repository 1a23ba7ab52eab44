namespace TbScreen.Screening.Persistence.Entities;

/// <summary>A batch run over folders. Counts are updated in the same transaction as each item, so they never drift.</summary>
public sealed class BatchJob
{
    public long Id { get; set; }

    /// <summary>Optional caller-chosen key (e.g. a hash of the inputs) so a rerun finds its job; unique.</summary>
    public string? Key { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>JSON array of the input paths as given.</summary>
    public required string InputsJson { get; set; }

    /// <summary>The options the job runs with, as JSON (opaque to the store).</summary>
    public string? OptionsJson { get; set; }

    /// <summary>BatchJobStates: created, running, completed, cancelled.</summary>
    public required string State { get; set; }

    public int Total { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public List<BatchJobItem> Items { get; set; } = [];
}
