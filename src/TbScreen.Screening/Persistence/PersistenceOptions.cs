namespace TbScreen.Screening.Persistence;

public enum DatabaseProvider
{
    /// <summary>Decide from the connection string (see <see cref="PersistenceOptions.ResolveProvider"/>).</summary>
    Auto,
    Sqlite,
    PostgreSql,
}

/// <summary>Where results, jobs and files live; bound from the "Persistence" configuration section.</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Persistence";

    /// <summary>The ConnectionStrings entry used when <see cref="ConnectionString"/> is empty.</summary>
    public const string ConnectionStringName = "TbScreen";

    public const string DefaultConnectionString = "Data Source=tbscreen.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Auto;

    /// <summary>"Data Source=tbscreen.db" (SQLite), "Host=...;Database=...;Username=..." (PostgreSQL), or a bare *.db path.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>Root of the content-addressed file store.</summary>
    public string ContentStoreDirectory { get; set; } = "store";

    /// <summary>Copy every screened file into the content store (deduplicated by SHA-256).</summary>
    public bool StoreContent { get; set; } = true;

    /// <summary>Seal every stored file with AES-256-GCM under the key ring (docs/security.md). On by default.</summary>
    public bool EncryptContent { get; set; } = true;

    /// <summary>The master key file; empty: content.key next to the store folder, created on first run.</summary>
    public string? ContentKeyFile { get; set; }

    /// <summary>Apply pending migrations when the store is first used.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// Explicit <see cref="Provider"/> wins. Otherwise postgres:// and postgresql:// URIs and Host=/Server= keywords
    /// mean PostgreSQL; everything else (Data Source=, Filename=, a bare path) is SQLite.
    /// </summary>
    public DatabaseProvider ResolveProvider()
    {
        if (Provider != DatabaseProvider.Auto)
        {
            return Provider;
        }

        string cs = ConnectionString.Trim();
        if (cs.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || cs.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.PostgreSql;
        }

        var keys = cs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim());
        return keys.Any(k => k.Equals("Host", StringComparison.OrdinalIgnoreCase) || k.Equals("Server", StringComparison.OrdinalIgnoreCase))
            ? DatabaseProvider.PostgreSql
            : DatabaseProvider.Sqlite;
    }

    /// <summary>The provider's own connection string: a bare path becomes "Data Source=path", a URI keyword/value pairs.</summary>
    public string ResolveConnectionString()
    {
        string cs = ConnectionString.Trim();
        if (ResolveProvider() == DatabaseProvider.Sqlite)
        {
            return cs.Contains('=') ? cs : $"Data Source={cs}";
        }

        return cs.Contains("://", StringComparison.Ordinal) ? PostgresUri.ToKeywords(cs) : cs;
    }
}
