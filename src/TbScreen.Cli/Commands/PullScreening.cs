using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen pull --screen`: the dashboard's archive screening from the command line (<see cref="ArchiveScreening"/>).
/// Each study is got by C-GET over our own association into the node's receiving end (content store and database,
/// encrypted like everything a node receives; no folder of patient images), and its radiographs are screened before
/// the next study is asked for. The pull is recorded in the database, so the dashboard lists it and an interrupted one
/// goes on with `--resume` at the study it stood at. With a destination, each study's results (SR and heatmap capture)
/// are sent before the next study; what cannot be sent stays in the node's outbox for `tbscreen listen` to send.
/// </summary>
internal sealed class PullScreening(ArchiveScreening archiveScreening, DicomNode node, DicomOutboxStore outbox, DicomPeer? forwardResults, TextWriter stdout,
    TextWriter stderr)
{
    private readonly List<long> _results = [];
    private int _screened, _positive, _flagged, _notScreened;

    /// <summary>The actor of the audit trail: the operating-system account that ran the command.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    /// <summary>Finds the studies, records the pull and runs it.</summary>
    public async Task<int> StartAsync(DicomPeer archive, PullCriteria criteria, CancellationToken cancellationToken)
    {
        var studies = await archiveScreening.FindAsync(archive, criteria, Actor, cancellationToken);
        stdout.WriteLine($"{archive}: {studies.Count} studies match ({ArchiveScreening.Describe(criteria).Replace(",", ", ", StringComparison.Ordinal)})");
        if (studies.Count == 0)
        {
            return ExitCodes.Success;
        }

        var pull = await archiveScreening.RecordAsync(archive, criteria, studies, Actor);
        return await RunAsync(pull, archive, cancellationToken);
    }

    /// <summary>Goes on with this archive's unfinished command-line pulls, oldest first.</summary>
    public async Task<int> ResumeAsync(DicomPeer archive, CancellationToken cancellationToken)
    {
        var unfinished = (await archiveScreening.UnfinishedAsync(cancellationToken)).Where(p => p.Archive == archive.AeTitle).ToList();
        if (unfinished.Count == 0)
        {
            stdout.WriteLine($"{archive}: no unfinished pull to resume");
            return ExitCodes.Success;
        }

        int code = ExitCodes.Success;
        foreach (var pull in unfinished)
        {
            await archiveScreening.RecordResumedAsync(pull, Actor, cancellationToken);
            stdout.WriteLine($"{archive}: resuming pull {pull.Id} at study {pull.StudiesDone + 1} of {pull.Studies}");
            code = Math.Max(code, await RunAsync(pull, archive, cancellationToken));
        }

        return code;
    }

    private async Task<int> RunAsync(ArchivePullInfo pull, DicomPeer archive, CancellationToken cancellationToken)
    {
        var studies = ArchiveScreening.StudiesOf(pull);
        (_screened, _positive, _flagged, _notScreened) = (0, 0, 0, 0);
        _results.Clear();
        node.Screened += Count;
        ArchivePullState state;
        try
        {
            var before = ArchiveScreening.StateOf(pull);
            state = await archiveScreening.RunAsync(pull, archive, async progress =>
            {
                // Screen what this study brought before asking for the next: the database holds results, not a backlog.
                // A radiograph received before (same bytes) is the same item and is not screened again.
                await ScreenReceivedAsync(cancellationToken);
                await DeliverAsync(cancellationToken);
                if (!progress.Finished)
                {
                    var study = studies[progress.StudiesDone - 1];
                    stdout.WriteLine($"study {progress.StudiesDone}/{studies.Count} {study.StudyInstanceUid}: " + (progress.Refused > before.Refused
                        ? "refused by the archive"
                        : $"{progress.Received - before.Received} radiographs received, {progress.NotTaken - before.NotTaken} objects not taken"));
                    before = progress;
                }
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"tbscreen: pull {pull.Id} interrupted; what was received is kept. Go on with: tbscreen pull --from {archive} --screen --resume");
            return ExitCodes.SomeInputsFailed;
        }
        finally
        {
            node.Screened -= Count;
        }

        stdout.WriteLine(
            $"pull {pull.Id}: {state.StudiesDone} of {studies.Count} studies, {state.Received} radiographs received, {_screened} newly screened ({_positive} TB, "
            + $"{_flagged} flagged for a radiologist), {_notScreened} could not be screened, {state.NotTaken} objects not taken, {state.Refused} studies refused; "
            + "the results are in the worklist");
        int unsent = 0;
        if (forwardResults is not null)
        {
            var deliveries = new List<DicomDeliveryInfo>();
            foreach (long result in _results)
            {
                deliveries.AddRange(await outbox.ForResultAsync(result, CancellationToken.None));
            }

            unsent = deliveries.Count(d => !d.IsSent);
            stdout.WriteLine($"{deliveries.Count - unsent} result objects sent to {forwardResults}" + (unsent > 0
                ? $"; {unsent} could not be sent and wait in the outbox: `tbscreen listen --forward-results {forwardResults}` on this database sends them"
                : ""));
        }

        if (state.Error is { } error)
        {
            stderr.WriteLine($"tbscreen: pull {pull.Id} stopped: {error}. Go on with: tbscreen pull --from {archive} --screen --resume");
            return ExitCodes.ServiceUnavailable;
        }

        return state.Refused + _notScreened + unsent == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
    }

    /// <summary>Screens every received image still pending (this pull's, and any a node sharing the database left).</summary>
    private async Task ScreenReceivedAsync(CancellationToken cancellationToken)
    {
        while (await node.ScreenPendingAsync(cancellationToken) > 0)
        {
        }
    }

    /// <summary>Sends the results that are due, a hundred at a time; a failed object waits for the outbox's next try.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (forwardResults is null)
        {
            return;
        }

        while ((await node.DeliverDueAsync(cancellationToken)).Sent > 0)
        {
        }
    }

    private void Count(StoredOutcome stored)
    {
        var outcome = stored.Outcome;
        if (outcome.Status != ScreeningStatus.Ok)
        {
            _notScreened++;
            stderr.WriteLine($"tbscreen: a received image was not screened: {outcome.Status.ToCode()}: {outcome.Error}");
            return;
        }

        _screened++;
        _results.Add(stored.ResultId);
        _positive += outcome.Decision == DecisionText.Tb ? 1 : 0;
        _flagged += outcome.Flag is null or DecisionText.NoFlag ? 0 : 1;
    }
}
