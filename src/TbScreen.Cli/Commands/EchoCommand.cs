using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen echo AE@HOST:PORT [--ae-title TBSCREEN] [--tls ...]`: C-ECHO (verification) to a PACS or modality, the
/// first check when connecting the node: does it answer, and does it accept our AE title? docs/pacs.md.
/// </summary>
public static class EchoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var peer = new Argument<string>("peer") { Description = "The peer, as AE@HOST:PORT." };
        var client = new DicomClientCliOptions();
        var command = new Command("echo", "Check that a DICOM peer answers (C-ECHO) and accepts our AE title.") { peer };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => Task.FromResult(ExitCodes.Guard(stderr, () =>
        {
            var target = DicomClientCliOptions.Peer(result.GetValue(peer)!, "peer");
            var options = client.Options(result);
            var clock = Stopwatch.StartNew();
            try
            {
                new DicomClient(options, new StderrLogger(stderr, LogLevel.Warning, timestamps: true)).EchoAsync(target, cancellationToken).GetAwaiter().GetResult();
            }
            catch (DicomNetworkException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.ServiceUnavailable;
            }

            stdout.WriteLine($"{target}: C-ECHO answered success in {clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms{(options.Tls is null ? "" : " over TLS")}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
