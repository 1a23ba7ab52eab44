using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>
/// Screens studies of an archive in the node: each study found by <see cref="StudyPuller.FindAsync"/> is fetched by
/// C-GET over our own association (the archive need not know our address), and each radiograph goes through
/// <see cref="ReceivedInstances"/> exactly as a C-STORE would: stored before the archive hears success, then screened by
/// the node's loop into the worklist. One study at a time; its <see cref="ArchivePullState"/> after each: Received counts
/// radiographs stored here, NotTaken the objects the archive counted failed (classes we do not take, such as reports, or
/// ones we could not store), Refused the studies whose C-GET was refused, Error why the pull stopped early.
/// </summary>
public sealed class ArchivePuller(StudyPuller puller, ReceivedInstances received, ILogger logger)
{
    /// <param name="onProgress">Told where the pull stands after each study, and at its end.</param>
    /// <param name="resumeFrom">Where an interrupted pull stood: its first <c>StudiesDone</c> studies are not pulled again.</param>
    /// <param name="modalities">The series taken from each study: those of these modalities.</param>
    public async Task<ArchivePullState> PullAsync(DicomPeer archive, IReadOnlyList<FoundStudy> studies, IReadOnlyList<string> modalities, Func<ArchivePullState, Task>? onProgress,
        CancellationToken cancellationToken, ArchivePullState? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(studies);
        var state = (resumeFrom ?? new ArchivePullState(0, 0, 0, 0, null, false)) with { Error = null, Finished = false };
        int stored = state.Received;
        async Task<DicomStatus> StoreAsync(byte[] part10, CancellationToken token)
        {
            var status = await received.StoreAsync(part10, $"C-GET from {archive.AeTitle}", token);
            if (status.IsSuccess)
            {
                stored++; // sub-operations come one at a time
            }

            return status;
        }

        foreach (var study in studies.Skip(state.StudiesDone))
        {
            RetrieveResult outcome;
            try
            {
                outcome = await puller.GetAsync(archive, study, modalities, StoreAsync, progress: null, cancellationToken);
            }
            catch (DicomNetworkException e)
            {
                logger.LogWarning("Pull from {Archive} stopped after {Done} of {Count} studies: {Reason}", archive, state.StudiesDone, studies.Count, e.Message);
                state = state with { Received = stored, Error = e.Message, Finished = true };
                await ReportAsync(onProgress, state);
                return state;
            }

            state = state with
            {
                StudiesDone = state.StudiesDone + 1,
                Received = stored,
                NotTaken = state.NotTaken + outcome.Failed,
                Refused = state.Refused + (outcome.Performed ? 0 : 1),
            };
            await ReportAsync(onProgress, state);
        }

        logger.LogInformation("Pull from {Archive}: {Studies} studies, {Received} radiographs received, {NotTaken} objects not taken, {Refused} studies refused",
            archive, studies.Count, state.Received, state.NotTaken, state.Refused);
        state = state with { Finished = true };
        await ReportAsync(onProgress, state);
        return state;
    }

    private static Task ReportAsync(Func<ArchivePullState, Task>? onProgress, ArchivePullState state) => onProgress?.Invoke(state) ?? Task.CompletedTask;
}
