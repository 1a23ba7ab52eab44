using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>
/// C-GET over our result objects (Study Root GET): a viewer behind a firewall, or one with no AE for us to call back,
/// pulls a study's SR and heatmap capture over its own association. No destination is configured or needed: the
/// objects go only to the AE that asked, on the association it opened. Every get is audited with its caller and counts.
/// </summary>
public sealed class ResultGetter(ResultStudies search, DicomOutboxStore objects, ContentStore content, IScreeningStore store) : IGetHandler
{
    public const string AuditAction = "dicom.cget";

    public IReadOnlyCollection<string> RetrievableSopClasses { get; } = [ResultReport.ComprehensiveSrClassUid, HeatmapCapture.SecondaryCaptureClassUid];

    public async Task<IReadOnlyList<RetrievableInstance>> ResolveAsync(DicomDataset identifier, QueryRetrieveModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var rows = await RetrieveSelection.RowsAsync(search, objects, identifier, model, "C-GET", cancellationToken);
        return rows.Select(r => new RetrievableInstance(r.SopInstanceUid, () => content.Get(r.ContentSha256))).ToList();
    }

    public async Task RecordAsync(string callingAeTitle, string level, GetOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        string ending = outcome.Cancelled ? $", cancelled with {outcome.Remaining} not sent" : "";
        await store.RecordAsync($"dicom:{callingAeTitle}", AuditAction, "dicom/c-get",
            $"{level} level: {outcome.Completed} sent, {outcome.Failed} failed{ending}", cancellationToken);
    }
}
