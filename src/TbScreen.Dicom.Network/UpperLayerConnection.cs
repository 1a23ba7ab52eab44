using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network;

/// <summary>
/// One TCP connection carrying one association (PS3.8 9.1.1): reads and writes PDUs with a deadline per read, and
/// closes the way the state machine says (wait for the peer to close after a release or a reject, PS3.8 Sta13).
/// </summary>
internal sealed class UpperLayerConnection : IAsyncDisposable
{
    private static readonly TimeSpan AbortSendTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PduReader _reader;

    public UpperLayerConnection(Socket socket)
        : this(socket, new NetworkStream(socket, ownsSocket: false))
    {
    }

    /// <param name="stream">What the PDUs travel on: the socket's own stream, or a TLS stream over it.</param>
    public UpperLayerConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = stream;
        _reader = new PduReader(_stream);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
    }

    /// <summary>
    /// Opens TLS over a connected socket within <paramref name="timeout"/>; a failed or late handshake closes the
    /// socket and raises <see cref="DicomNetworkException"/> naming <paramref name="peer"/>.
    /// </summary>
    public static async Task<UpperLayerConnection> OverTlsAsync(Socket socket, string peer, Func<SslStream, CancellationToken, Task> handshake, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await handshake(tls, deadline.Token).ConfigureAwait(false);
            return new UpperLayerConnection(socket, tls);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or ArgumentException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            string reason = e is OperationCanceledException
                ? $"no TLS handshake within {timeout.TotalSeconds:0.###} s"
                : $"TLS handshake failed: {e.GetBaseException().Message}";
            throw new DicomNetworkException(peer, reason, e);
        }
    }

    public IPEndPoint? RemoteEndPoint { get; }

    public Stream Stream => _stream;

    /// <summary>Whether the peer has sent bytes not read yet (a C-CANCEL while we answer); TLS bytes count before decryption.</summary>
    public bool HasIncomingData => _socket.Available > 0;

    /// <summary>Reads one PDU within <paramref name="timeout"/>; a missed deadline raises <see cref="TimeoutException"/>.</summary>
    public async Task<Pdu?> ReadAsync(uint maxDataPduLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _reader.ReadAsync(maxDataPduLength, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no PDU within {timeout.TotalSeconds:0.###} s");
        }
    }

    public async Task SendAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(PduEncoder.Encode(pdu), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Best effort: the peer may already be gone, and an abort must never raise.</summary>
    public async Task SendAbortQuietlyAsync(AbortSource source, AbortReason reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(AbortSendTimeout);
            await SendAsync(new AbortPdu(source, reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Nothing to do: the connection is closed next either way.
        }
    }

    /// <summary>
    /// After sending A-RELEASE-RP, A-ASSOCIATE-RJ or A-ABORT, the requestor closes the transport; we wait for that
    /// up to the ARTIM timeout and then close ourselves (PS3.8 9.1.6, Sta13).
    /// </summary>
    public async Task WaitForPeerCloseAsync(TimeSpan artim)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(artim);
            var sink = new byte[512];
            while (await _stream.ReadAsync(sink, timeout.Token).ConfigureAwait(false) > 0)
            {
                // Whatever arrives now belongs to no association; discard it.
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Timer expired or the peer reset: close now.
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer.
        }

        _stream.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
