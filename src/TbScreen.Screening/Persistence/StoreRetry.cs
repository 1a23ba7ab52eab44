using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace TbScreen.Screening.Persistence;

/// <summary>Retries an action while the database is unreachable, with back-off up to 30 s; other errors pass through.</summary>
public static class StoreRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> action, ILogger logger, string what, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (IsDatabaseOutage(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Database unavailable for {What} ({Reason}); retrying in {Seconds:F0} s", what, e.GetBaseException().Message, wait.TotalSeconds);
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, wait.Ticks * 2));
            }
        }
    }

    /// <summary>A connection-level database failure (not a bad statement): the server is down, restarting, or unreachable.</summary>
    public static bool IsDatabaseOutage(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            // Npgsql marks connection failures (08xxx, sockets, timeouts) as transient; a server shutting down or
            // starting up (57P01-57P03) ends the statement the same way and is waited out too.
            if (x is System.Net.Sockets.SocketException or TimeoutException
                || (x is DbException db && (db.IsTransient || db.SqlState is "57P01" or "57P02" or "57P03")))
            {
                return true;
            }
        }

        return false;
    }
}
