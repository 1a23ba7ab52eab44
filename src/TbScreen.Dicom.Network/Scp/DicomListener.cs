using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom.Network.Scp;

namespace TbScreen.Dicom.Network;

/// <summary>
/// The SCP: a TCP listener serving Verification, Storage and (with their handlers) Query/Retrieve and Storage Commitment report associations, each on its own task, so one peer's
/// behaviour never affects another's or the process. <see cref="StopAsync"/> stops accepting and lets the
/// associations in progress finish; cancelling its token aborts the ones still running.
/// </summary>
public sealed class DicomListener : IAsyncDisposable
{
    private readonly DicomListenerOptions _options;
    private readonly ScpServices _services;
    private readonly ILogger _logger;
    private readonly AssociationSlots _slots;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _abortAssociations = new();
    private readonly int _maxConnections;
    private readonly System.Net.Security.SslServerAuthenticationOptions? _tls;
    private Socket? _socket;
    private Task? _acceptLoop;
    private long _nextNumber;
    private int _connectionCount;
    private bool _disposed;

    /// <param name="queryHandler">Answers C-FIND; with it the listener accepts Patient Root and Study Root FIND contexts.</param>
    /// <param name="retrieveHandler">Carries out C-MOVE; with it the listener accepts Patient Root and Study Root MOVE contexts.</param>
    /// <param name="getHandler">
    /// Names what a C-GET returns; with it the listener accepts Patient Root and Study Root GET contexts, and the SCP
    /// role for the handler's storage classes.
    /// </param>
    /// <param name="commitmentReportHandler">
    /// Takes Storage Commitment results; with it the listener accepts the Storage Commitment Push Model with the
    /// requestor in the SCP role, which is how an archive reports on a commitment we asked for.
    /// </param>
    public DicomListener(DicomListenerOptions options, IStoreHandler storeHandler, ILogger? logger = null, IQueryHandler? queryHandler = null,
        IRetrieveHandler? retrieveHandler = null, IGetHandler? getHandler = null, ICommitmentReportHandler? commitmentReportHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storeHandler);
        options.Validate();
        var queryClasses = new List<string>();
        if (queryHandler is not null)
        {
            queryClasses.AddRange([DicomUids.PatientRootQueryRetrieveFind, DicomUids.StudyRootQueryRetrieveFind]);
        }

        if (retrieveHandler is not null)
        {
            queryClasses.AddRange([DicomUids.PatientRootQueryRetrieveMove, DicomUids.StudyRootQueryRetrieveMove]);
        }

        if (getHandler is not null)
        {
            queryClasses.AddRange([DicomUids.PatientRootQueryRetrieveGet, DicomUids.StudyRootQueryRetrieveGet]);
            options = options with { RetrieveSopClasses = getHandler.RetrievableSopClasses };
        }

        options = options with { AcceptsCommitmentReports = commitmentReportHandler is not null };
        _options = queryClasses.Count == 0 ? options : options with { QuerySopClasses = queryClasses };
        _services = new ScpServices(storeHandler, queryHandler, retrieveHandler, getHandler, commitmentReportHandler);
        _logger = logger ?? NullLogger.Instance;
        _slots = new AssociationSlots(options.MaxAssociations);
        // Connections that have not associated yet (or are being rejected) are capped too, so a flood of idle
        // sockets costs at most this many tasks until ARTIM closes them.
        _maxConnections = options.MaxAssociations * 4 + 16;
        // The certificate and trust bundle are read once, here: a missing or unreadable file stops the start, named.
        _tls = options.Tls?.Build();
    }

    /// <summary>Where the listener is bound (the real port when <see cref="DicomListenerOptions.Port"/> is 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_socket?.LocalEndPoint ?? throw new InvalidOperationException("The listener is not started.");

    public int ActiveAssociations => _slots.InUse;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("The listener is already started.");
        }

        var socket = new Socket(_options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(_options.BindAddress, _options.Port));
            socket.Listen(128);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DicomNetworkException(null, $"cannot listen on {_options.BindAddress}:{_options.Port}: {e.Message}", e);
        }

        _socket = socket;
        _logger.LogInformation("DICOM listener {AeTitle} on {EndPoint}{Tls}", _options.AeTitle, socket.LocalEndPoint,
            _tls is null ? "" : _tls.ClientCertificateRequired ? " (TLS, client certificates required)" : " (TLS)");
        _acceptLoop = AcceptLoopAsync(socket);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting connections and waits for the associations in progress to end (the peers release them, or the
    /// idle timeout aborts them). When <paramref name="cancellationToken"/> fires first, the remaining ones are aborted.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_socket is null || _acceptLoop is null || _disposed)
        {
            return;
        }

        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("DICOM listener stopping: aborting {Count} associations still running", _connections.Count);
            await _abortAssociations.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        }

        _logger.LogInformation("DICOM listener {AeTitle} stopped", _options.AeTitle);
    }

    public async ValueTask DisposeAsync()
    {
        using var shortly = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(shortly.Token).ConfigureAwait(false);
        _disposed = true;
        _stopAccepting.Dispose();
        _abortAssociations.Dispose();
    }

    private async Task AcceptLoopAsync(Socket socket)
    {
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                // Out of descriptors or a connection reset before accept: keep serving.
                _logger.LogWarning("DICOM listener: accept failed: {Reason}", e.Message);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            if (Interlocked.Increment(ref _connectionCount) > _maxConnections)
            {
                Interlocked.Decrement(ref _connectionCount);
                _logger.LogWarning("DICOM listener: {Max} connections open; closing a new one from {Remote}", _maxConnections, client.RemoteEndPoint);
                client.Dispose();
                continue;
            }

            long number = Interlocked.Increment(ref _nextNumber);
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[number] = ServeAsync(number, client, registered.Task);
            registered.SetResult();
        }
    }

    private async Task ServeAsync(long number, Socket client, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await Task.Yield();
            UpperLayerConnection connection;
            if (_tls is { } tls)
            {
                string remote = client.RemoteEndPoint?.ToString() ?? "?";
                try
                {
                    // The handshake shares the ARTIM budget: a peer that never completes it is closed as one that never associates.
                    connection = await UpperLayerConnection.OverTlsAsync(client, remote, (stream, token) => stream.AuthenticateAsServerAsync(tls, token),
                        _options.ArtimTimeout, _abortAssociations.Token).ConfigureAwait(false);
                }
                catch (DicomNetworkException e)
                {
                    _logger.LogWarning("DICOM listener: connection {Number} from {Remote} closed: {Reason}", number, remote, e.Reason);
                    return;
                }
            }
            else
            {
                connection = new UpperLayerConnection(client);
            }

            await new ScpAssociation(connection, number, _options, _services, _slots, _logger, _abortAssociations.Token).RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "DICOM listener: association {Number} failed", number);
        }
        finally
        {
            _connections.TryRemove(number, out _);
            Interlocked.Decrement(ref _connectionCount);
        }
    }
}
