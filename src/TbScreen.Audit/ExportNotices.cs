namespace TbScreen.Audit;

/// <summary>
/// The de-identification statement every export carries (issue 17): the first line of a CSV, a field of a JSON
/// report, a banner of an HTML one. One text, so the job export and the fairness report say the same thing.
/// </summary>
public static class ExportNotices
{
    public const string Profile =
        "De-identified under DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile with the Retain Patient Characteristics option";

    /// <summary>What a fairness report holds: aggregates only.</summary>
    public const string Fairness =
        Profile + ": subgroup counts, rates and intervals only; no per-image rows, file names, paths, patient names, IDs, dates or UIDs.";

    /// <summary>A CSV comment line (with its line break) stating <paramref name="statement"/>.</summary>
    public static string CsvLine(string statement) => "# " + statement + "\n";
}
