namespace TbScreen.Cli.Batch;

/// <summary>Opens the job store for a --db value (SQLite path or connection string, or PostgreSQL).</summary>
public static class BatchJobStores
{
    public static IBatchJobStore Open(string database) => new NoJobStore(); // replaced by the persistence adapter
}
