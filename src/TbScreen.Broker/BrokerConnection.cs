using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace TbScreen.Broker;

/// <summary>
/// Opens the AMQP connection with automatic recovery (a dropped connection comes back with its channels and
/// consumers), and keeps trying with back-off while the broker cannot be reached at all, so a worker started before
/// the broker, or during its restart, waits instead of exiting. Passwords never reach the log.
/// </summary>
public static class BrokerConnection
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <param name="giveUpAfter">Stop trying after this long (the submitting CLI); null keeps trying (workers).</param>
    public static async Task<IConnection> OpenAsync(string uri, string clientName, ILogger logger, ushort dispatchConcurrency = 1,
        TimeSpan? giveUpAfter = null, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = BrokerUri.Parse(uri),
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            RequestedHeartbeat = TimeSpan.FromSeconds(15),
            ConsumerDispatchConcurrency = dispatchConcurrency,
        };
        var started = DateTime.UtcNow;
        var wait = TimeSpan.FromSeconds(1);
        string shown = BrokerUri.Redact(uri);
        while (true)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(cancellationToken);
                logger.LogInformation("Connected to the broker at {Broker}", shown);
                return connection;
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or IOException or TimeoutException)
            {
                string reason = e.GetBaseException().Message;
                if (e.GetBaseException() is AuthenticationFailureException || reason.Contains("ACCESS_REFUSED", StringComparison.Ordinal))
                {
                    // Wrong credentials do not fix themselves: say so and stop.
                    throw new BrokerException($"the broker at {shown} refused the credentials: {reason}", e);
                }

                if (giveUpAfter is { } limit && DateTime.UtcNow - started > limit)
                {
                    throw new BrokerException($"cannot reach the broker at {shown}: {reason}", e);
                }

                logger.LogWarning("Cannot reach the broker at {Broker} ({Reason}); retrying in {Seconds:F0} s", shown, reason, wait.TotalSeconds);
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, wait.Ticks * 2));
            }
        }
    }
}

/// <summary>The broker cannot be used (unreachable past the deadline, credentials refused); the message never holds a password.</summary>
public sealed class BrokerException(string message, Exception? inner = null) : Exception(message, inner);
