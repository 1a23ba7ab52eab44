using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using TbScreen.Broker;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>
/// The host's one connection to TbScreen:Broker, opened on first use and kept (it recovers by itself after a drop).
/// Opening waits out an unreachable broker with back-off until the host stops, so a job dispatched during a broker
/// outage waits for it instead of failing.
/// </summary>
public sealed class BrokerClient(IOptions<TbScreenOptions> options, ILogger<BrokerClient> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task<IConnection>? _opening;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Broker);

    /// <summary>The broker as it may be shown: password replaced.</summary>
    public string Shown => BrokerUri.Redact(options.Value.Broker);

    /// <summary>The open connection, or null while it is still being opened.</summary>
    public IConnection? Current => _opening is { IsCompletedSuccessfully: true } done ? done.Result : null;

    public Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("TbScreen:Broker is not set");
        }

        lock (_gate)
        {
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled)
            {
                _opening = BrokerConnection.OpenAsync(options.Value.Broker!, $"tbscreen-web@{Environment.MachineName}", logger, cancellationToken: _stopping.Token);
            }

            return _opening.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (Current is { } connection)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
