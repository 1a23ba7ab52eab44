using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen listen --port PORT --ae-title AE [--bind ADDRESS] [--allow-calling AE,AE] [--forward-results AE@HOST:PORT [--storage-commitment]]
/// [--move-destination AE@HOST:PORT ...] [--db CONNECTION] [--store DIR] [--models DIR] [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]] [--forward-tls ...]`: a DICOM node. It answers C-ECHO and C-STORE; each received image is
/// stored (content store + database) before success is answered, then screened, and with --forward-results its SR
/// and heatmap Secondary Capture go to that PACS through a persistent outbox. It answers study-level C-FIND over the
/// results, and C-MOVE to the --move-destination AEs. Runs until SIGINT or SIGTERM, then ends
/// its associations and the image in progress. docs/pacs.md.
/// </summary>
public static class ListenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on.", Required = true };
        var aeTitle = new Option<string>("--ae-title") { Description = "Our AE title (1-16 characters).", DefaultValueFactory = _ => "TBSCREEN" };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (default: loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var allow = new Option<string?>("--allow-calling") { Description = "Calling AE titles allowed, comma-separated (default: any)." };
        var forward = new Option<string?>("--forward-results") { Description = "Send each result's SR and heatmap capture to AE@HOST:PORT." };
        var commit = new Option<bool>("--storage-commitment") { Description = "Ask the --forward-results archive to commit to keeping each result (Storage Commitment); its reports come back to this listener, and what it does not commit to is sent again." };
        var moveTo = new Option<string[]>("--move-destination") { Description = "An AE that C-MOVE may send results to, as AE@HOST:PORT (repeat for more). None: C-MOVE is refused." };
        var db = new Option<string>("--db") { Description = "Database: a SQLite path or a PostgreSQL connection string.", DefaultValueFactory = _ => "tbscreen.db" };
        var store = new Option<string>("--store") { Description = "Content store for received images and built results.", DefaultValueFactory = _ => "store" };
        var models = new EnsembleCliOptions();
        var contentOptions = new ContentStoreCliOptions();
        var tls = new DicomTlsCliOptions();
        var retentionDays = new Option<int>("--retention-days") { Description = "Delete received source images after this many days (results stay; each purge is audited). 0 keeps them for ever.", DefaultValueFactory = _ => new RetentionOptions().SourceImageDays };
        var command = new Command("listen", "Run a DICOM node: receive radiographs over the network, screen them, send results to PACS. Research use only.")
        {
            port, aeTitle, bind, allow, forward, commit, moveTo, db, store, retentionDays,
        };
        models.AddTo(command);
        contentOptions.AddTo(command);
        tls.AddTo(command);
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            var listener = ListenerOptions(result.GetValue(port), result.GetValue(aeTitle)!, result.GetValue(bind)!, result.GetValue(allow)) with { Tls = tls.Server(result) };
            var forwardTls = tls.Forward(result);
            DicomPeer? destination = null;
            if (result.GetValue(forward) is { } to)
            {
                try
                {
                    destination = DicomPeer.Parse(to);
                }
                catch (FormatException e)
                {
                    throw new UsageException($"--forward-results: {e.Message}");
                }
            }

            if (result.GetValue(commit) && destination is null)
            {
                throw new UsageException("--storage-commitment needs --forward-results: it asks that archive to commit to what it was sent.");
            }

            var moveDestinations = MoveDestinations(result.GetValue(moveTo) ?? []);
            var logger = new StderrLogger(stderr, LogLevel.Information, timestamps: true);
            using var ensemble = models.Load(result, stderr, threadsWhenUnset: 1);
            using var stopping = new CancellationTokenSource();
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.Cancel(); });

            using var host = NodeScreeningHost.Open(result, result.GetValue(db)!, result.GetValue(store)!, ensemble, contentOptions, logger);
            var nodeOptions = new DicomNodeOptions
            {
                Listener = listener,
                ForwardResults = destination,
                MoveDestinations = moveDestinations,
                StorageCommitment = result.GetValue(commit) ? new DicomCommitmentOptions() : null,
            };
            var node = new DicomNode(nodeOptions, host.Screening, host.Content,
                new DicomOutboxStore(host.Contexts), new DicomClientSender(new DicomClient(new DicomClientOptions { CallingAeTitle = listener.AeTitle, Tls = forwardTls }, logger)), logger);
            int days = result.GetValue(retentionDays);
            var retention = Task.Run(() => RetentionLoop.RunAsync(new RetentionPurger(host.Contexts, host.Content, logger),
                new RetentionOptions { Enabled = days > 0, SourceImageDays = Math.Max(days, 1) }, logger, stopping.Token));
            node.RunAsync(stopping.Token).GetAwaiter().GetResult();
            stopping.Cancel();
            retention.GetAwaiter().GetResult();
            logger.LogInformation("DICOM node stopped");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The C-MOVE destinations by AE title; a malformed or repeated one is a usage error naming it.</summary>
    private static Dictionary<string, DicomPeer> MoveDestinations(IEnumerable<string> values)
    {
        var destinations = new Dictionary<string, DicomPeer>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            DicomPeer peer;
            try
            {
                peer = DicomPeer.Parse(value);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--move-destination: {e.Message}");
            }

            if (!destinations.TryAdd(peer.AeTitle, peer))
            {
                throw new UsageException($"--move-destination: {peer.AeTitle} is given twice");
            }
        }

        return destinations;
    }

    private static DicomListenerOptions ListenerOptions(int port, string aeTitle, string bind, string? allow)
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"--port {port} is not a TCP port.");
        }

        if (!IPAddress.TryParse(bind, out var address))
        {
            throw new UsageException($"--bind '{bind}' is not an IP address.");
        }

        var options = new DicomListenerOptions
        {
            AeTitle = aeTitle,
            BindAddress = address,
            Port = port,
            AllowedCallingAeTitles = allow?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        return options;
    }
}
