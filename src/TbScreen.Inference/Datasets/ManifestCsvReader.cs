namespace TbScreen.Inference.Datasets;

/// <summary>A manifest CSV (<see cref="ManifestTable"/>) as training records.</summary>
public static class ManifestCsvReader
{
    public static IReadOnlyList<CxrRecord> Read(string manifestPath) =>
        ManifestTable.Read(manifestPath)
            .Select(e => new CxrRecord(e.Path, e.IsTb ? CxrRecord.Tb : CxrRecord.NotTb, e.Sex, e.Age, e.Source, e.PatientId, e.OriginalId, e.Finding))
            .ToList();
}
