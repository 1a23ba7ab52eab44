namespace TbScreen.Inference.Datasets;

/// <summary>
/// The NLM Shenzhen and Montgomery sets as their owners distribute them: <c>CXR_png/*.png</c> named
/// <c>CHNCXR_0001_0.png</c> / <c>MCUCXR_0001_0.png</c> (suffix _1 = TB, _0 = normal) and
/// <c>ClinicalReadings/&lt;same name&gt;.txt</c> with sex and age. One image per patient.
/// </summary>
public static class NlmLayoutReader
{
    public const string ImageFolder = "CXR_png";
    public const string ReadingsFolder = "ClinicalReadings";

    public static bool Matches(string root) => Directory.Exists(Path.Combine(root, ImageFolder));

    public static IReadOnlyList<CxrRecord> Read(string root)
    {
        string images = Path.Combine(Path.GetFullPath(root), ImageFolder);
        if (!Directory.Exists(images))
        {
            throw new DatasetException($"no {ImageFolder} folder: not an NLM Shenzhen/Montgomery layout", root);
        }

        var records = new List<CxrRecord>();
        foreach (string png in Directory.EnumerateFiles(images, "*.png").Order(StringComparer.Ordinal))
        {
            string stem = Path.GetFileNameWithoutExtension(png);
            int label = stem.EndsWith("_1", StringComparison.Ordinal) ? CxrRecord.Tb
                : stem.EndsWith("_0", StringComparison.Ordinal) ? CxrRecord.NotTb
                : throw new DatasetException("file name lacks the _0/_1 label suffix", png);
            string readings = Path.Combine(Path.GetDirectoryName(images)!, ReadingsFolder, stem + ".txt");
            ClinicalReading? reading = File.Exists(readings) ? ClinicalReadings.Parse(File.ReadAllText(readings)) : null;
            string source = SourceOf(stem);
            records.Add(new CxrRecord(png, label, reading?.Sex, reading?.Age, source, source + ":" + stem[..^2], stem,
                reading is { Findings.Length: > 0 } ? reading.Findings : null));
        }

        return records;
    }

    private static string SourceOf(string stem) =>
        stem.StartsWith("CHNCXR", StringComparison.OrdinalIgnoreCase) ? "shenzhen"
        : stem.StartsWith("MCUCXR", StringComparison.OrdinalIgnoreCase) ? "montgomery"
        : "nlm";
}
