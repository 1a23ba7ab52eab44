using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Tests.Persistence;

public sealed class PersistenceOptionsTests
{
    [Theory]
    [InlineData("Data Source=tbscreen.db", DatabaseProvider.Sqlite, "Data Source=tbscreen.db")]
    [InlineData("results.db", DatabaseProvider.Sqlite, "Data Source=results.db")]
    [InlineData("Host=db;Database=tbscreen;Username=app", DatabaseProvider.PostgreSql, "Host=db;Database=tbscreen;Username=app")]
    [InlineData("Server=db;Database=x", DatabaseProvider.PostgreSql, "Server=db;Database=x")]
    [InlineData("postgresql://app:s%40cret@db:5433/tbscreen", DatabaseProvider.PostgreSql, "Host=db;Port=5433;Database=tbscreen;Username=app;Password=s@cret")]
    public void ProviderFollowsTheConnectionString(string connectionString, DatabaseProvider provider, string resolved)
    {
        var options = new PersistenceOptions { ConnectionString = connectionString };
        Assert.Equal(provider, options.ResolveProvider());
        Assert.Equal(resolved, options.ResolveConnectionString());
    }

    [Fact]
    public void ExplicitProviderWins() =>
        Assert.Equal(DatabaseProvider.PostgreSql, new PersistenceOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = "Data Source=x" }.ResolveProvider());
}
