using Microsoft.EntityFrameworkCore;

namespace TbScreen.Screening.Persistence;

/// <summary>
/// Creates short-lived contexts of the configured provider (one per unit of work; contexts are not thread-safe,
/// this factory is). Options are built once: EF Core caches the model per context type.
/// </summary>
public sealed class ScreeningDbContextFactory : IDbContextFactory<ScreeningDbContext>
{
    private readonly Func<ScreeningDbContext> _create;

    public ScreeningDbContextFactory(PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.ResolveProvider();
        string connectionString = options.ResolveConnectionString();
        if (Provider == DatabaseProvider.PostgreSql)
        {
            var built = new DbContextOptionsBuilder<PostgresScreeningDbContext>().UseNpgsql(connectionString).Options;
            _create = () => new PostgresScreeningDbContext(built);
        }
        else
        {
            var built = new DbContextOptionsBuilder<SqliteScreeningDbContext>()
                .UseSqlite(connectionString)
                .AddInterceptors(SqliteWalInterceptor.Instance)
                .Options;
            _create = () => new SqliteScreeningDbContext(built);
        }
    }

    public DatabaseProvider Provider { get; }

    public ScreeningDbContext CreateDbContext() => _create();

    /// <summary>Creates the database if needed and applies this provider's pending migrations.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var context = CreateDbContext();
        await context.Database.MigrateAsync(cancellationToken);
    }

    public void Migrate()
    {
        using var context = CreateDbContext();
        context.Database.Migrate();
    }
}
