using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>
/// C-MOVE over our result objects (Study Root MOVE): a PACS or viewer that found a study by C-FIND pulls its SR and
/// heatmap capture to one of its AEs. Only AE titles configured with an address are destinations (anything else is
/// A801: an AE title alone must never decide where patient data goes). Study, series and image level, with UID lists
/// as PS3.4 C.4.2.2.1 allows, and in Patient Root the patient level. Every move is audited with its caller, destination and counts.
/// </summary>
public sealed class ResultMover(ResultStudies search, DicomOutboxStore objects, ContentStore content, IScreeningStore store, IDicomSender sender,
    IReadOnlyDictionary<string, DicomPeer> destinations) : IRetrieveHandler
{
    public const string AuditAction = "dicom.cmove";

    public async Task<MoveOutcome> MoveAsync(DicomDataset identifier, QueryRetrieveModel model, string destinationAeTitle, string callingAeTitle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (!destinations.TryGetValue(destinationAeTitle.Trim(), out var destination))
        {
            throw new MoveDestinationUnknownException(destinationAeTitle);
        }

        string level = RetrieveSelection.LevelOf(identifier);
        var rows = await RetrieveSelection.RowsAsync(search, objects, identifier, model, "C-MOVE", cancellationToken);
        int completed = 0;
        var failed = new List<string>();
        foreach (var row in rows)
        {
            if (content.Get(row.ContentSha256) is not { } part10)
            {
                failed.Add(row.SopInstanceUid); // purged: nothing left to send
                continue;
            }

            try
            {
                await sender.SendAsync(destination, part10, cancellationToken);
                completed++;
            }
            catch (DicomNetworkException) when (completed == 0 && failed.Count == 0)
            {
                throw; // the destination is unreachable: refuse the move rather than report every object failed
            }
            catch (Exception e) when (e is DicomNetworkException or IOException)
            {
                failed.Add(row.SopInstanceUid);
            }
        }

        await store.RecordAsync($"dicom:{callingAeTitle}", AuditAction, "dicom/c-move",
            $"{level} level to {destinationAeTitle}: {completed} sent, {failed.Count} failed", cancellationToken);
        return new MoveOutcome(completed, failed.Count, 0, failed);
    }
}
