namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// A pull of studies from an archive into the DICOM node (the dashboard's archive screening), kept so that a restart
/// resumes it where it stood instead of dropping it. The studies to pull are fixed when it starts, as JSON.
/// </summary>
public sealed class ArchivePull
{
    public long Id { get; set; }

    /// <summary>The archive's AE title (one of TbScreen:Dicom:Archives).</summary>
    public required string Archive { get; set; }

    /// <summary>What was asked for: modalities and study dates, never a patient.</summary>
    public required string Criteria { get; set; }

    public required string StartedBy { get; set; }

    /// <summary>Which host runs it (<see cref="ArchivePullStore.WebHost"/> or <see cref="ArchivePullStore.CliHost"/>): each resumes only its own.</summary>
    public required string Host { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>The studies found when it started, in pull order (JSON written by the host).</summary>
    public required string StudiesJson { get; set; }

    public int Studies { get; set; }

    public int StudiesDone { get; set; }

    public int Received { get; set; }

    public int NotTaken { get; set; }

    public int Refused { get; set; }

    /// <summary>Why it stopped early, or null.</summary>
    public string? Error { get; set; }

    /// <summary>Null while it runs or waits to be resumed.</summary>
    public DateTime? FinishedAt { get; set; }
}
