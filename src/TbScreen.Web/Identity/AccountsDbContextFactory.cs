using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Identity;

/// <summary>
/// Builds the accounts context for the provider the screening store uses (PersistenceOptions), so one setting
/// moves both schemas between SQLite and PostgreSQL. Options are cached per connection: EF Core caches the model
/// per context type, and building options per request would be waste.
/// </summary>
internal static class AccountsDbContextFactory
{
    private static readonly ConcurrentDictionary<(DatabaseProvider, string), Func<AccountsDbContext>> Creators = new();

    public static AccountsDbContext Create(PersistenceOptions persistence)
    {
        var provider = persistence.ResolveProvider();
        string connection = persistence.ResolveConnectionString();
        return Creators.GetOrAdd((provider, connection), key => Build(key.Item1, key.Item2))();
    }

    private static Func<AccountsDbContext> Build(DatabaseProvider provider, string connection)
    {
        if (provider == DatabaseProvider.PostgreSql)
        {
            var postgres = new DbContextOptionsBuilder<PostgresAccountsDbContext>()
                .UseNpgsql(connection, o => o.MigrationsHistoryTable(AccountsDbContext.MigrationsHistoryTable))
                .Options;
            return () => new PostgresAccountsDbContext(postgres);
        }

        var sqlite = new DbContextOptionsBuilder<SqliteAccountsDbContext>()
            .UseSqlite(connection, o => o.MigrationsHistoryTable(AccountsDbContext.MigrationsHistoryTable))
            .Options;
        return () => new SqliteAccountsDbContext(sqlite);
    }
}

// `dotnet ef migrations add` builds the flavours through these (TBSCREEN_DESIGN_CONNECTION overrides the connection).

internal sealed class SqliteAccountsDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAccountsDbContext>
{
    public SqliteAccountsDbContext CreateDbContext(string[] args) => (SqliteAccountsDbContext)AccountsDbContextFactory.Create(new PersistenceOptions
    {
        Provider = DatabaseProvider.Sqlite,
        ConnectionString = Environment.GetEnvironmentVariable("TBSCREEN_DESIGN_CONNECTION") ?? PersistenceOptions.DefaultConnectionString,
    });
}

internal sealed class PostgresAccountsDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAccountsDbContext>
{
    public PostgresAccountsDbContext CreateDbContext(string[] args) => (PostgresAccountsDbContext)AccountsDbContextFactory.Create(new PersistenceOptions
    {
        Provider = DatabaseProvider.PostgreSql,
        ConnectionString = Environment.GetEnvironmentVariable("TBSCREEN_DESIGN_CONNECTION") ?? "Host=localhost;Database=tbscreen;Username=tbscreen",
    });
}
