using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TbScreen.Screening.Persistence;

/// <summary>
/// Puts every SQLite connection in WAL mode with a busy timeout. WAL lets readers (the dashboard) run while a batch
/// writes, and a commit survives kill -9; the busy timeout makes parallel writers queue instead of failing.
/// </summary>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    public static SqliteWalInterceptor Instance { get; } = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
