namespace TbScreen.Web.Configuration;

/// <summary>
/// The host's configuration, bound from the "TbScreen" section (appsettings.json, environment variables such
/// as TbScreen__Database__Provider, or the command line). Relative paths resolve against the content root.
/// </summary>
public sealed class TbScreenOptions
{
    public const string SectionName = "TbScreen";

    /// <summary>The models/ folder holding ensemble.json and the bundles.</summary>
    public string Models { get; set; } = "models";

    /// <summary>The ensemble definition's file name in <see cref="Models"/>; unset = ensemble.json. "ensemble-pruned.json" serves the pruned bundles (docs/pruning.md).</summary>
    public string? Ensemble { get; set; }

    /// <summary>The content-addressed store folder for uploaded and ingested files.</summary>
    public string Store { get; set; } = "store";

    public DatabaseOptions Database { get; set; } = new();

    public UploadOptions Uploads { get; set; } = new();

    public JobOptions Jobs { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary>sqlite or postgresql; unset, it follows the connection string (Persistence:Provider, Auto).</summary>
    public string? Provider { get; set; }

    /// <summary>Unset, Persistence:ConnectionString or ConnectionStrings:TbScreen is used, else SQLite's tbscreen.db.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class UploadOptions
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    /// <summary>Largest accepted upload (the whole multipart body); larger requests get 413.</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;
}

public sealed class JobOptions
{
    /// <summary>
    /// Server folders that batch jobs may read, with their subfolders. Empty by default, so every job is refused
    /// (403) until an administrator names the archive roots: the API must not let a caller read arbitrary paths.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>Files screened at once within a job; each inference already uses several cores, so half of them.</summary>
    public int Parallelism { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);
}
