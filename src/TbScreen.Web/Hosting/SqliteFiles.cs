using Microsoft.Data.Sqlite;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Hosting;

/// <summary>
/// SQLite resolves a relative Data Source against the process's working directory and will not create folders;
/// the host wants "data/tbscreen.db" to mean the content root's data folder, created on first start.
/// </summary>
internal static class SqliteFiles
{
    /// <summary>The connection string with an absolute Data Source, or unchanged when it is not a SQLite file.</summary>
    public static string AnchorDataSource(string connectionString, DatabaseProvider provider, string root)
    {
        var options = new PersistenceOptions { ConnectionString = connectionString, Provider = provider };
        if (options.ResolveProvider() != DatabaseProvider.Sqlite)
        {
            return connectionString;
        }

        var builder = new SqliteConnectionStringBuilder(options.ResolveConnectionString());
        if (IsInMemory(builder))
        {
            return connectionString;
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource, root);
        return builder.ToString();
    }

    /// <summary>Creates the folder of a SQLite database file.</summary>
    public static void EnsureFolder(PersistenceOptions options)
    {
        if (options.ResolveProvider() != DatabaseProvider.Sqlite)
        {
            return;
        }

        var builder = new SqliteConnectionStringBuilder(options.ResolveConnectionString());
        if (!IsInMemory(builder) && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
}
