using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Querying;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>
/// Which result objects a C-MOVE or C-GET identifier names: study, series and image level, with UID lists as PS3.4
/// C.4.2.2.1 allows, and in Patient Root the patient level (one Patient ID, matched exactly), in one place so both
/// retrieve paths pick the same objects.
/// </summary>
internal static class RetrieveSelection
{
    private const uint QueryRetrieveLevel = 0x00080052;

    public static string LevelOf(DicomDataset identifier) => identifier.GetString(QueryRetrieveLevel)?.Trim() ?? "";

    /// <summary>The objects the identifier names, each once; a level or a missing UID it cannot serve is a FormatException naming <paramref name="operation"/>.</summary>
    public static async Task<List<DicomDeliveryInfo>> RowsAsync(ResultStudies search, DicomOutboxStore objects, DicomDataset identifier, QueryRetrieveModel model,
        string operation, CancellationToken cancellationToken)
    {
        string level = LevelOf(identifier);
        string[] Uids(uint tag, string name) => identifier.GetStrings(tag) is { Length: > 0 } uids && uids.All(u => u.Length > 0)
            ? uids
            : throw new FormatException($"{operation} at {level} level needs {name}");

        if (level == "PATIENT" && model == QueryRetrieveModel.PatientRoot)
        {
            return await PatientRowsAsync(search, identifier, operation, cancellationToken);
        }

        if (level is not ("STUDY" or "SERIES" or "IMAGE"))
        {
            throw new FormatException(model == QueryRetrieveModel.PatientRoot
                ? $"Query/Retrieve Level '{level}' is not PATIENT, STUDY, SERIES or IMAGE"
                : $"Query/Retrieve Level '{level}' is not STUDY, SERIES or IMAGE");
        }

        string[] studies = Uids(DicomTag.StudyInstanceUid, "Study Instance UID");
        var rows = new List<DicomDeliveryInfo>();
        switch (level)
        {
            case "STUDY":
                foreach (string study in studies)
                {
                    rows.AddRange(await objects.ObjectsAsync(ResultStudies.MaxObjects, study, cancellationToken: cancellationToken));
                }

                break;
            case "SERIES":
                foreach (string series in Uids(DicomTag.SeriesInstanceUid, "Series Instance UID"))
                {
                    rows.AddRange(await objects.ObjectsAsync(ResultStudies.MaxObjects, studies[0], series, cancellationToken: cancellationToken));
                }

                break;
            default:
                string seriesUid = Uids(DicomTag.SeriesInstanceUid, "Series Instance UID")[0];
                foreach (string instance in Uids(DicomTag.SopInstanceUid, "SOP Instance UID"))
                {
                    rows.AddRange(await objects.ObjectsAsync(1, studies[0], seriesUid, instance, cancellationToken));
                }

                break;
        }

        return rows.DistinctBy(r => r.SopInstanceUid).ToList();
    }

    /// <summary>Every object of the one patient named: Patient ID is a unique key here (PS3.4 C.4.2.2.1), so a pattern is refused.</summary>
    private static async Task<List<DicomDeliveryInfo>> PatientRowsAsync(ResultStudies search, DicomDataset identifier, string operation, CancellationToken cancellationToken)
    {
        string patientId = identifier.GetString(DicomTag.PatientId)?.Trim() ?? "";
        if (patientId.Length == 0 || patientId.IndexOfAny(['*', '?', '\\']) >= 0)
        {
            throw new FormatException($"{operation} at PATIENT level needs one Patient ID, matched exactly");
        }

        // One search over the (cached) object headers, not a study search and then a lookup per study.
        var objects = await search.FindInstancesAsync(DicomQuery.Parse([KeyValuePair.Create("PatientID", patientId)], QueryLevel.Instance), null, null, cancellationToken);
        return objects.Select(o => o.Row).DistinctBy(r => r.SopInstanceUid).ToList();
    }
}
