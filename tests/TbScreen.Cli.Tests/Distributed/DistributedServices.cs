using TbScreen.Screening.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Cli.Tests.Distributed;

/// <summary>
/// A real RabbitMQ node and a real PostgreSQL server for one test class. Each test takes its own vhost and its own
/// database, so leftovers of one test (a message, a job) can never be seen by the next.
/// </summary>
public sealed class DistributedServices : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public DistributedServices()
    {
        SkipReason = _postgres.SkipReason;
        if (SkipReason is null)
        {
            Broker = new RabbitMqServer();
            SkipReason = Broker.SkipReason;
        }
    }

    public string? SkipReason { get; }

    public RabbitMqServer? Broker { get; }

    public PostgresServer Postgres => _postgres;

    /// <summary>A fresh vhost URI and a fresh database connection string (created on first use by the CLI's migration).</summary>
    public (string Broker, string Database) NewEnvironment()
    {
        string database = _postgres.ConnectionString.Replace("Database=tbscreen_test", "Database=t" + Guid.NewGuid().ToString("N")[..12], StringComparison.Ordinal);
        return (Broker!.NewVirtualHost(), database);
    }

    public static EfScreeningStore Store(string database) => new(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = database }));

    public void Dispose()
    {
        Broker?.Dispose();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
    }
}
