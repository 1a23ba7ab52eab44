using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen pull --from AE@HOST:PORT --move-to AE [--ae-title TBSCREEN] [--study-date RANGE] [--modality CR,DX]
/// [--patient-id ID] [--accession NUMBER] [--max-studies 500] [--dry-run]`: screens a PACS archive. It finds the
/// matching studies by C-FIND and asks the PACS to C-MOVE each to --move-to, normally a running `tbscreen listen`
/// node, which stores and screens what arrives. docs/pacs.md.
/// </summary>
public static class PullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var from = new Option<string>("--from") { Description = "The PACS to query, as AE@HOST:PORT.", Required = true };
        var moveTo = new Option<string?>("--move-to") { Description = "The AE the PACS sends the studies to (it must know its address): normally the node's `listen` AE. Required unless --dry-run." };
        var aeTitle = new Option<string>("--ae-title") { Description = "Our calling AE title, as the PACS knows it.", DefaultValueFactory = _ => "TBSCREEN" };
        var studyDate = new Option<string?>("--study-date") { Description = "Study date or range, DICOM style: 20260105, 20260101-20260131, 20260101-." };
        var modality = new Option<string>("--modality") { Description = "Modalities in study, any of them, comma-separated.", DefaultValueFactory = _ => "CR,DX" };
        var patientId = new Option<string?>("--patient-id") { Description = "Only this patient's studies." };
        var accession = new Option<string?>("--accession") { Description = "Only the study with this accession number." };
        var maxStudies = new Option<int>("--max-studies") { Description = "Pull at most this many studies.", DefaultValueFactory = _ => 500 };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the matching studies; move nothing." };
        var command = new Command("pull", "Screen a PACS archive: find studies by C-FIND and have the PACS send them to a TbScreen node by C-MOVE. Research use only.")
        {
            from, moveTo, aeTitle, studyDate, modality, patientId, accession, maxStudies, dryRun,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(ExitCodes.Guard(stderr, () =>
        {
            var pacs = Parse(result.GetValue(from)!, "--from");
            string? destination = result.GetValue(moveTo)?.Trim();
            bool listOnly = result.GetValue(dryRun);
            if (!listOnly && string.IsNullOrEmpty(destination))
            {
                throw new UsageException("--move-to is required (the AE the PACS sends to), unless --dry-run");
            }

            if (result.GetValue(maxStudies) < 1)
            {
                throw new UsageException("--max-studies must be at least 1");
            }

            var criteria = new PullCriteria(
                result.GetValue(studyDate)?.Trim(),
                result.GetValue(modality)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToUpperInvariant()).ToList(),
                result.GetValue(patientId)?.Trim(),
                result.GetValue(accession)?.Trim(),
                result.GetValue(maxStudies));
            var logger = new StderrLogger(stderr, LogLevel.Warning, timestamps: true);
            DicomClientOptions options;
            try
            {
                options = new DicomClientOptions { CallingAeTitle = result.GetValue(aeTitle)! };
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            try
            {
                return RunAsync(new StudyPuller(new DicomClient(options, logger), logger), pacs, criteria, listOnly ? null : destination, stdout, cancellationToken)
                    .GetAwaiter().GetResult();
            }
            catch (DicomNetworkException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.ServiceUnavailable;
            }
        })));
        return command;
    }

    /// <summary>Finds, then moves each study in turn, one line each; 1 when any study was refused or had failures.</summary>
    private static async Task<int> RunAsync(StudyPuller puller, DicomPeer pacs, PullCriteria criteria, string? destination, TextWriter stdout, CancellationToken cancellationToken)
    {
        var studies = await puller.FindAsync(pacs, criteria, cancellationToken);
        stdout.WriteLine($"{pacs}: {studies.Count} studies match ({string.Join(", ", criteria.ModalitiesOrDefault)}{(criteria.StudyDate is { Length: > 0 } d ? $", {d}" : "")})");
        if (destination is null)
        {
            foreach (var study in studies)
            {
                stdout.WriteLine($"  {study.StudyInstanceUid}  {study.StudyDate}  {string.Join('\\', study.Modalities)}  {Count(study.Instances)} instances");
            }

            return ExitCodes.Success;
        }

        int sent = 0, failed = 0, refused = 0;
        for (int i = 0; i < studies.Count; i++)
        {
            var outcome = await puller.MoveAsync(pacs, studies[i], destination, progress: null, cancellationToken);
            sent += outcome.Completed;
            failed += outcome.Failed;
            refused += outcome.Performed ? 0 : 1;
            stdout.WriteLine($"study {i + 1}/{studies.Count} {studies[i].StudyInstanceUid}: "
                + (outcome.Performed ? $"{outcome.Completed} sent, {outcome.Failed} failed" : $"refused, status {outcome.Status}"));
        }

        stdout.WriteLine($"moved to {destination}: {sent} instances sent, {failed} failed, {refused} studies refused; the node screens what it received");
        return failed + refused == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static DicomPeer Parse(string text, string option)
    {
        try
        {
            return DicomPeer.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }
}
