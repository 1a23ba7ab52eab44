using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen pull --from AE@HOST:PORT (--screen [--resume] | --move-to AE | --get-to DIR) [--ae-title TBSCREEN] [--study-date RANGE]
/// [--modality CR,DX] [--patient-id ID] [--accession NUMBER] [--max-studies 500] [--dry-run] [--db CONNECTION] [--store DIR]
/// [--models DIR] [--forward-results AE@HOST:PORT] [--tls] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]`: screens a PACS archive.
/// It finds the matching studies by C-FIND, then either C-GETs each into the node's database and screens it there
/// (--screen, <see cref="PullScreening"/>), asks the PACS to C-MOVE each to --move-to, normally a running
/// `tbscreen listen` node, or C-GETs each into --get-to, for `tbscreen screen DIR`. docs/pacs.md.
/// </summary>
public static class PullCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var from = new Option<string>("--from") { Description = "The PACS to query, as AE@HOST:PORT.", Required = true };
        var moveTo = new Option<string?>("--move-to") { Description = "The AE the PACS sends the studies to by C-MOVE (it must know its address): normally the node's `listen` AE." };
        var getTo = new Option<string?>("--get-to") { Description = "Instead: C-GET the radiographs over our own association into this folder, then run `tbscreen screen` on it." };
        var studyDate = new Option<string?>("--study-date") { Description = "Study date or range, DICOM style: 20260105, 20260101-20260131, 20260101-." };
        var modality = new Option<string>("--modality") { Description = "Modalities in study, any of them, comma-separated; only the series of these modalities are retrieved.", DefaultValueFactory = _ => "CR,DX" };
        var patientId = new Option<string?>("--patient-id") { Description = "Only this patient's studies." };
        var accession = new Option<string?>("--accession") { Description = "Only the study with this accession number." };
        var maxStudies = new Option<int>("--max-studies") { Description = "Pull at most this many studies.", DefaultValueFactory = _ => 500 };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the matching studies; move nothing." };
        var screen = new Option<bool>("--screen") { Description = "C-GET each study into the node's database and content store and screen it there, recorded so that --resume can go on after an interruption." };
        var resume = new Option<bool>("--resume") { Description = "With --screen: go on with this archive's unfinished pulls instead of finding new studies." };
        var db = new Option<string>("--db") { Description = "With --screen: the node's database, a SQLite path or a PostgreSQL connection string.", DefaultValueFactory = _ => "tbscreen.db" };
        var store = new Option<string>("--store") { Description = "With --screen: the node's content store.", DefaultValueFactory = _ => "store" };
        var forward = new Option<string?>("--forward-results") { Description = "With --screen: send each result's SR and heatmap capture to AE@HOST:PORT (with the pull's TLS settings); what cannot be sent stays in the outbox." };
        var client = new DicomClientCliOptions();
        var models = new EnsembleCliOptions();
        var contentOptions = new ContentStoreCliOptions();
        var command = new Command("pull", "Screen a PACS archive: find studies by C-FIND, then get and screen them into the node's database, have the PACS send them to a TbScreen node by C-MOVE, or get them by C-GET into a folder. Research use only.")
        {
            from, moveTo, getTo, screen, resume, studyDate, modality, patientId, accession, maxStudies, dryRun, db, store, forward,
        };
        client.AddTo(command);
        models.AddTo(command);
        contentOptions.AddTo(command);
        command.SetAction((result, cancellationToken) => Task.FromResult(ExitCodes.Guard(stderr, () =>
        {
            var pacs = DicomClientCliOptions.Peer(result.GetValue(from)!, "--from");
            string? destination = result.GetValue(moveTo)?.Trim();
            string? folder = result.GetValue(getTo);
            bool listOnly = result.GetValue(dryRun);
            bool screening = result.GetValue(screen);
            if ((destination is { Length: > 0 } ? 1 : 0) + (folder is not null ? 1 : 0) + (screening ? 1 : 0) > 1)
            {
                throw new UsageException("--screen, --move-to and --get-to are three ways to retrieve: give one");
            }

            if (!listOnly && string.IsNullOrEmpty(destination) && folder is null && !screening)
            {
                throw new UsageException("--screen (into the node's database), --move-to (the AE the PACS sends to) or --get-to (a folder) is required, unless --dry-run");
            }

            if (result.GetValue(resume) && (!screening || listOnly))
            {
                throw new UsageException("--resume goes on with an unfinished --screen pull: give --screen, without --dry-run");
            }

            DicomPeer? resultsTo = result.GetValue(forward) is { } to ? DicomClientCliOptions.Peer(to, "--forward-results") : null;
            if (resultsTo is not null && !screening)
            {
                throw new UsageException("--forward-results sends what --screen screened: give --screen");
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
                if (screening && !listOnly)
                {
                    return ScreenAsync(result, puller, pacs, criteria, result.GetValue(resume), new ScreenTarget(result.GetValue(db)!, result.GetValue(store)!, models, contentOptions, resultsTo),
                        options, stdout, stderr, cancellationToken).GetAwaiter().GetResult();
                }

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

    /// <summary>The node that --screen pulls into: its database, content store, models, store key and where results go.</summary>
    private sealed record ScreenTarget(string Connection, string StoreRoot, EnsembleCliOptions Models, ContentStoreCliOptions Content, DicomPeer? ForwardResults);

    private static async Task<int> ScreenAsync(ParseResult result, StudyPuller puller, DicomPeer pacs, PullCriteria criteria, bool resume, ScreenTarget target,
        DicomClientOptions clientOptions, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var logger = new StderrLogger(stderr, LogLevel.Warning, timestamps: true);
        using var ensemble = target.Models.Load(result, stderr);
        using var host = NodeScreeningHost.Open(result, target.Connection, target.StoreRoot, ensemble, target.Content, logger);
        // No listener: the node only receives what the pull gets, screens it and, with --forward-results, sends its results.
        var outbox = new DicomOutboxStore(host.Contexts);
        var node = new DicomNode(new DicomNodeOptions { ForwardResults = target.ForwardResults }, host.Screening, host.Content, outbox,
            new DicomClientSender(new DicomClient(clientOptions, logger)), logger);
        var archiveScreening = new ArchiveScreening(puller, node.Received, new ArchivePullStore(host.Contexts), host.Screening.Store, ArchivePullStore.CliHost, logger);
        var run = new PullScreening(archiveScreening, node, outbox, target.ForwardResults, stdout, stderr);
        return resume ? await run.ResumeAsync(pacs, cancellationToken) : await run.StartAsync(pacs, criteria, cancellationToken);
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
            ? await GetAllAsync(puller, pacs, studies, criteria.ModalitiesOrDefault, folder, stdout, stderr, cancellationToken)
            : await MoveAllAsync(puller, pacs, studies, criteria.ModalitiesOrDefault, retrieval.MoveTo!, stdout, stderr, cancellationToken);
    }

    private static async Task<int> MoveAllAsync(StudyPuller puller, DicomPeer pacs, IReadOnlyList<FoundStudy> studies, IReadOnlyList<string> modalities, string destination, TextWriter stdout,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0, refused = 0;
        for (int i = 0; i < studies.Count; i++)
        {
            var outcome = await puller.MoveAsync(pacs, studies[i], modalities, destination, new StudyProgress(stderr, i + 1, studies.Count, "sent"), cancellationToken);
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
    private static async Task<int> GetAllAsync(StudyPuller puller, DicomPeer pacs, IReadOnlyList<FoundStudy> studies, IReadOnlyList<string> modalities, string folder, TextWriter stdout,
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
            var outcome = await puller.GetAsync(pacs, studies[i], modalities, WriteAsync, new StudyProgress(stderr, i + 1, studies.Count, "received"), cancellationToken);
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
