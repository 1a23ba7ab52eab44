using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TbScreen.Screening.Persistence;

// `dotnet ef migrations add` builds contexts through these; the connection strings only matter for `database update`.
// TBSCREEN_DESIGN_CONNECTION overrides them (e.g. to point `dotnet ef database update` at a real server).

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteScreeningDbContext>
{
    public SqliteScreeningDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteScreeningDbContext>()
            .UseSqlite(Environment.GetEnvironmentVariable("TBSCREEN_DESIGN_CONNECTION") ?? PersistenceOptions.DefaultConnectionString)
            .Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresScreeningDbContext>
{
    public PostgresScreeningDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresScreeningDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("TBSCREEN_DESIGN_CONNECTION") ?? "Host=localhost;Database=tbscreen;Username=tbscreen")
            .Options);
}
