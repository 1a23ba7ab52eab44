using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Screening.Sites;

/// <summary>One labelled case of a calibration sample: the ensemble score and the reference label.</summary>
public readonly record struct LabelledScore(double Score, bool IsTb);

/// <summary>
/// A site's labelled calibration sample. From an upload it is `tbscreen evaluate`'s predictions.csv (columns
/// label and ensemble) or a plain CSV with columns score,label; labels are 1/0 (tb/not-tb also accepted).
/// </summary>
public sealed class SiteSample
{
    public SiteSample(IReadOnlyList<LabelledScore> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        Cases = cases;
    }

    public IReadOnlyList<LabelledScore> Cases { get; }

    public int Positives => Cases.Count(c => c.IsTb);

    public int Negatives => Cases.Count(c => !c.IsTb);

    /// <summary>SHA-256 of the cases as sorted "score,label" lines (scores round-trip formatted): independent of order,
    /// file names and extra columns, so the same cases from the worklist or a file give the same hash.</summary>
    public string Sha256()
    {
        var lines = Cases.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Score:R},{(c.IsTb ? 1 : 0)}")).Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <summary>The cases in the shape <see cref="SiteCalibration"/> takes (Called is unused there for the threshold).</summary>
    public IReadOnlyList<AuditCase> AsAuditCases() =>
        Cases.Select((c, i) => new AuditCase($"case-{i}", c.IsTb, c.Score, Called: false)).ToArray();

    /// <summary>Parses an uploaded CSV; throws <see cref="FormatException"/> naming <paramref name="name"/>, the line and the reason.</summary>
    public static SiteSample ParseCsv(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = CsvReader.ReadRows(new StringReader(text.TrimStart('\uFEFF'))).Where(r => r.Any(f => f.Trim().Length > 0)).ToList();
        if (rows.Count == 0)
        {
            throw new FormatException($"{name}: empty, expected a header line (score,label or predictions.csv from tbscreen evaluate)");
        }

        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int label = header.IndexOf("label");
        int score = header.IndexOf("ensemble") is int e and >= 0 ? e : header.IndexOf("score");
        if (label < 0 || score < 0)
        {
            throw new FormatException($"{name}: the header needs a 'label' column and an 'ensemble' or 'score' column (found: {string.Join(",", header)})");
        }

        var cases = new List<LabelledScore>(rows.Count - 1);
        for (int i = 1; i < rows.Count; i++)
        {
            var fields = rows[i];
            int line = i + 1;
            if (fields.Length <= Math.Max(label, score))
            {
                throw new FormatException($"{name} row {line}: {fields.Length} fields, the header has {header.Count}");
            }

            if (!double.TryParse(fields[score].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !double.IsFinite(s) || s is < 0 or > 1)
            {
                throw new FormatException($"{name} row {line}: score '{fields[score]}' is not a number in [0, 1]");
            }

            bool isTb = fields[label].Trim().ToLowerInvariant() switch
            {
                "1" or "tb" => true,
                "0" or "not-tb" => false,
                var other => throw new FormatException($"{name} row {line}: label '{other}' must be 1 or 0 (or tb / not-tb)"),
            };
            cases.Add(new LabelledScore(s, isTb));
        }

        return new SiteSample(cases);
    }
}
