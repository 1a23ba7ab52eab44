using System.Net;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>A listener on a free loopback port with a recording handler and a capturing logger.</summary>
public sealed class RunningListener : IAsyncDisposable
{
    private RunningListener(DicomListener listener, DicomListenerOptions options, RecordingStoreHandler handler, CapturingLogger logger)
    {
        Listener = listener;
        Options = options;
        Handler = handler;
        Logger = logger;
    }

    public DicomListener Listener { get; }

    public DicomListenerOptions Options { get; }

    public RecordingStoreHandler Handler { get; }

    public CapturingLogger Logger { get; }

    public int Port => Listener.LocalEndPoint.Port;

    public DicomPeer Peer => new(Options.AeTitle, "127.0.0.1", Port);

    public static async Task<RunningListener> StartAsync(Func<DicomListenerOptions, DicomListenerOptions>? configure = null, Scp.IGetHandler? gets = null,
        Scp.IQueryHandler? queries = null, Scp.IRetrieveHandler? moves = null, ICommitmentReportHandler? commitmentReports = null)
    {
        var options = new DicomListenerOptions { AeTitle = "TBSCREEN", Port = 0, BindAddress = IPAddress.Loopback };
        options = configure?.Invoke(options) ?? options;
        var handler = new RecordingStoreHandler();
        var logger = new CapturingLogger();
        var listener = new DicomListener(options, handler, logger, queries, moves, gets, commitmentReports);
        await listener.StartAsync();
        return new RunningListener(listener, options, handler, logger);
    }

    /// <summary>The proof that one peer's behaviour did not hurt the node: a fresh association still gets C-ECHO answered.</summary>
    public async Task AssertStillServesAsync()
    {
        await new DicomClient(new DicomClientOptions { CallingAeTitle = "CHECKER", AssociationTimeout = TimeSpan.FromSeconds(10) }).EchoAsync(Peer);
        Assert.Empty(Logger.Errors);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Listener.StopAsync(stop.Token);
    }
}
