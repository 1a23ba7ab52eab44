using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>The same contract on a real PostgreSQL started for this class; skips, saying why, without the binaries.</summary>
public sealed class PostgresStoreTests(PostgresDatabase database) : StoreContractTests, IClassFixture<PostgresDatabase>
{
    protected override ScreeningDbContextFactory Contexts
    {
        get
        {
            Skip.If(database.SkipReason is not null, database.SkipReason);
            return database.Contexts!;
        }
    }

    [SkippableFact]
    public void MigrationsAreThePostgresSet()
    {
        using var ctx = Contexts.CreateDbContext();
        Assert.IsType<PostgresScreeningDbContext>(ctx);
        Assert.Empty(ctx.Database.GetPendingMigrations());
        Assert.Equal(DatabaseProvider.PostgreSql, Contexts.Provider);
    }
}

/// <summary>One server and one migrated database per test class.</summary>
public sealed class PostgresDatabase : IDisposable
{
    private readonly PostgresServer _server = new();

    public PostgresDatabase()
    {
        SkipReason = _server.SkipReason;
        if (SkipReason is null)
        {
            Contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _server.ConnectionString });
            Contexts.Migrate();
        }
    }

    public string? SkipReason { get; }

    public ScreeningDbContextFactory? Contexts { get; }

    public void Dispose()
    {
        Npgsql.NpgsqlConnection.ClearAllPools(); // so the fast shutdown does not wait on idle pooled connections
        _server.Dispose();
    }
}
