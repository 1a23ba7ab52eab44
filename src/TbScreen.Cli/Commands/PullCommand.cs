using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen pull --from AE@HOST:PORT (--move-to AE | --get-to DIR) [--ae-title TBSCREEN] [--study-date RANGE]
/// [--modality CR,DX] [--patient-id ID] [--accession NUMBER] [--max-studies 500] [--dry-run] [--tls] [--tls-ca FILE]
/// [--tls-cert FILE --tls-key FILE]`: screens a PACS archive.
/// It finds the matching studies by C-FIND and asks the PACS to C-MOVE each to --move-to, normally a running
/// `tbscreen listen` node, which stores and screens what arrives; or it C-GETs each into --get-to, for `tbscreen
/// screen DIR`. docs/pacs.md.
/// </summary>
public static class PullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var from = new Option<string>("--from") { Description = "The PACS to query, as AE@HOST:PORT.", Required = true };
        var moveTo = new Option<string?>("--move-to") { Description = "The AE the PACS sends the studies to by C-MOVE (it must know its address): normally the node's `listen` AE." };
        var getTo = new Option<string?>("--get-to") { Description = "Instead: C-GET the radiographs over our own association into this folder, then run `tbscreen screen` on it." };
        var studyDate = new Option<string?>("--study-date") { Description = "Study date or range, DICOM style: 20260105, 20260101-20260131, 20260101-." };
        var modality = new Option<string>("--modality") { Description = "Modalities in study, any of them, comma-separated.", DefaultValueFactory = _ => "CR,DX" };
        var patientId = new Option<string?>("--patient-id") { Description = "Only this patient's studies." };
        var accession = new Option<string?>("--accession") { Description = "Only the study with this accession number." };
        var maxStudies = new Option<int>("--max-studies") { Description = "Pull at most this many studies.", DefaultValueFactory = _ => 500 };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the matching studies; move nothing." };
        var client = new DicomClientCliOptions();
        var command = new Command("pull", "Screen a PACS archive: find studies by C-FIND, and have the PACS send them to a TbScreen node by C-MOVE or get them by C-GET into a folder. Research use only.")
        {
            from, moveTo, getTo, studyDate, modality, patientId, accession, maxStudies, dryRun,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => Task.FromResult(ExitCodes.Guard(stderr, () =>
        {
            var pacs = DicomClientCliOptions.Peer(result.GetValue(from)!, "--from");
            string? destination = result.GetValue(moveTo)?.Trim();
            string? folder = result.GetValue(getTo);
            bool listOnly = result.GetValue(dryRun);
            if (destination is { Length: > 0 } && folder is not null)
            {
                throw new UsageException("--move-to and --get-to are two ways to retrieve: give one");
            }

            if (!listOnly && string.IsNullOrEmpty(destination) && folder is null)
            {
                throw new UsageException("--move-to (the AE the PACS sends to) or --get-to (a folder) is required, unless --dry-run");
            }

            if (result.GetValue(studyDate)?.Trim() is { Length: > 0 } date && !System.Text.RegularExpressions.Regex.IsMatch(date, @"^(\d{8}(-(\d{8})?)?|-\d{8})$"))
            {
                throw new UsageException($"--study-date '{date}' is not a DICOM date or range (20260105, 20260101-20260131, 20260101-, -20260131)");
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
            var options = client.Options(result);

            try
            {
                var puller = new StudyPuller(new DicomClient(options, logger), logger);
                var retrieve = listOnly ? null : folder is not null ? Retrieval.Into(folder) : Retrieval.To(destination!);
                return RunAsync(puller, pacs, criteria, retrieve, stdout, stderr, cancellationToken).GetAwaiter().GetResult();
            }
            catch (DicomNetworkException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.ServiceUnavailable;
            }
        })));
        return command;
    }

    /// <summary>Where retrieved studies go: an AE the PACS moves them to, or a folder we get them into.</summary>
    private sealed record Retrieval(string? MoveTo, string? Folder)
    {
        public static Retrieval To(string aeTitle) => new(aeTitle, null);

        public static Retrieval Into(string folder) => new(null, Path.GetFullPath(folder));
    }

    /// <summary>Finds, then retrieves each study in turn, one line each; 1 when any study was refused or had failures.</summary>
    private static async Task<int> RunAsync(StudyPuller puller, DicomPeer pacs, PullCriteria criteria, Retrieval? retrieval, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        var studies = await puller.FindAsync(pacs, criteria, cancellationToken);
        stdout.WriteLine($"{pacs}: {studies.Count} studies match ({string.Join(", ", criteria.ModalitiesOrDefault)}{(criteria.StudyDate is { Length: > 0 } d ? $", {d}" : "")})");
        if (retrieval is null)
        {
            foreach (var study in studies)
            {
                stdout.WriteLine($"  {study.StudyInstanceUid}  {study.StudyDate}  {string.Join('\\', study.Modalities)}  {Count(study.Instances)} instances");
            }

            return ExitCodes.Success;
        }

        return retrieval.Folder is { } folder
            ? await GetAllAsync(puller, pacs, studies, folder, stdout, stderr, cancellationToken)
            : await MoveAllAsync(puller, pacs, studies, retrieval.MoveTo!, stdout, stderr, cancellationToken);
    }

    private static async Task<int> MoveAllAsync(StudyPuller puller, DicomPeer pacs, IReadOnlyList<FoundStudy> studies, string destination, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0, refused = 0;
        for (int i = 0; i < studies.Count; i++)
        {
            var outcome = await puller.MoveAsync(pacs, studies[i], destination, new StudyProgress(stderr, i + 1, studies.Count, "sent"), cancellationToken);
            sent += outcome.Completed;
            failed += outcome.Failed;
            refused += outcome.Performed ? 0 : 1;
            stdout.WriteLine($"study {i + 1}/{studies.Count} {studies[i].StudyInstanceUid}: "
                + (outcome.Performed ? $"{outcome.Completed} sent, {outcome.Failed} failed" : $"refused, status {outcome.Status}"));
        }

        stdout.WriteLine($"moved to {destination}: {sent} instances sent, {failed} failed, {refused} studies refused; the node screens what it received");
        return failed + refused == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
    }

    /// <summary>
    /// C-GET of each study into <paramref name="folder"/>, one file per SOP Instance UID. What the PACS counts failed
    /// includes objects we do not take (reports), so only refusals and our own write failures fail the run.
    /// </summary>
    private static async Task<int> GetAllAsync(StudyPuller puller, DicomPeer pacs, IReadOnlyList<FoundStudy> studies, string folder, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{folder}: cannot create the folder: {e.Message}");
        }

        int written = 0, unwritable = 0, refused = 0;
        async Task<DicomStatus> WriteAsync(byte[] file, CancellationToken token)
        {
            string name;
            try
            {
                name = new DicomReader().Parse(file, "retrieved object").FileMeta.GetString(DicomTag.MediaStorageSopInstanceUid)?.Trim() ?? "";
            }
            catch (DicomException)
            {
                unwritable++;
                return DicomStatus.CannotUnderstand("the data set does not parse");
            }

            if (name.Length == 0 || name.Any(c => c is not (>= '0' and <= '9' or '.')))
            {
                unwritable++;
                return DicomStatus.CannotUnderstand("no usable SOP Instance UID");
            }

            try
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, name + ".dcm"), file, token);
                written++;
                return DicomStatus.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unwritable++;
                return DicomStatus.OutOfResources("cannot write the file");
            }
        }

        for (int i = 0; i < studies.Count; i++)
        {
            var outcome = await puller.GetAsync(pacs, studies[i], WriteAsync, new StudyProgress(stderr, i + 1, studies.Count, "received"), cancellationToken);
            refused += outcome.Performed ? 0 : 1;
            stdout.WriteLine($"study {i + 1}/{studies.Count} {studies[i].StudyInstanceUid}: "
                + (outcome.Performed ? $"{outcome.Completed} received, {outcome.Failed} not taken or failed" : $"refused, status {outcome.Status}"));
        }

        stdout.WriteLine($"{written} radiographs written to {folder}, {unwritable} could not be written, {refused} studies refused; screen them with: tbscreen screen {folder}");
        return unwritable + refused == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
    }

    /// <summary>A study's progress on stderr as the PACS reports it (its Pending responses), so a long move shows it is alive.</summary>
    private sealed class StudyProgress(TextWriter stderr, int study, int studies, string verb) : IProgress<RetrieveResult>
    {
        public void Report(RetrieveResult value) =>
            stderr.WriteLine($"study {study}/{studies}: {value.Completed} {verb}, {value.Failed} failed, {value.Remaining} to go");
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
