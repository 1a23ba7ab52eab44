using System.Net;
using System.Net.Sockets;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>A hand-driven peer: sends whatever bytes a test builds and reads back what the listener answers.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PduReader _reader;

    private RawPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new PduReader(_stream);
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawPeer(socket);
    }

    /// <summary>The acceptor end: a peer that our SCU connects to, driven by hand.</summary>
    public static async Task<RawPeer> AcceptAsync(TcpListener listener, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var socket = await listener.AcceptSocketAsync(deadline.Token);
        socket.NoDelay = true;
        return new RawPeer(socket);
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Tells the listener we will send nothing more (TCP half-close), as a peer that gives up would.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    public async Task<Pdu?> ReadAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _reader.ReadAsync(DicomListenerOptions.MaxAllowedPduLength, deadline.Token);
    }

    /// <summary>True when the listener closes the connection within <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosedByListenerAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var sink = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(sink, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the listener: closed as well
        }
    }

    public async Task<AssociateAcceptPdu> AssociateAsync(params PresentationContextProposal[] contexts)
    {
        await SendAsync(Wire.AssociateRequest("TBSCREEN", "RAWPEER", contexts));
        var answer = await ReadAsync();
        return Assert.IsType<AssociateAcceptPdu>(answer);
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
