using System.Globalization;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit.Tests;

public sealed class PredictionComparisonTests : IDisposable
{
    private static readonly int[] Labels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0];
    private static readonly double[] ScoresA = [0.9, 0.8, 0.7, 0.4, 0.65, 0.3, 0.5, 0.2, 0.66, 0.1, 0.55, 0.55];
    private static readonly double[] ScoresB = [0.6, 0.9, 0.3, 0.5, 0.7, 0.4, 0.2, 0.35, 0.8, 0.1, 0.45, 0.5];

    private readonly string _folder = Directory.CreateTempSubdirectory("tbscreen-compare-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Pairs_images_by_file_and_matches_an_independent_delong_computation()
    {
        // A lists the images in order plus one B lacks; B lists them reversed. A one-class source is reported, not compared.
        string a = Write("a.csv", Enumerable.Range(0, 12).Select(i => Row(i, ScoresA[i])).Append("\"only-a.png\",1,\"s\",0.5,0.5").Append(Nih(0.2)));
        string b = Write("b.csv", Enumerable.Range(0, 12).Reverse().Select(i => Row(i, ScoresB[i])).Append(Nih(0.9)));

        var result = PredictionComparison.Compare(a, b);

        Assert.Equal(13, result.Matched);
        var s = Assert.Single(result.Sources);
        Assert.Equal(("s", 12, 6), (s.Source, s.N, s.Positives));
        // Reference: DeLong et al. (1988) structural components with the O(mn) kernel, computed separately in Python.
        Assert.Equal(0.8472222222222222, s.Auc.AucA, 12);
        Assert.Equal(0.7361111111111112, s.Auc.AucB, 12);
        Assert.Equal(0.02052469135802469, s.Auc.Variance, 12);
        Assert.Equal(0.4380048482726959, s.Auc.PValue, 7); // the normal tail approximation is good to ~1e-8
        Assert.Equal(0.11111111111111105 - 1.959963984540054 * Math.Sqrt(0.02052469135802469), s.DifferenceCi.Low, 9);
        Assert.Contains(result.Skipped, r => r.StartsWith("nih: 1 images of one class", StringComparison.Ordinal));
        Assert.Contains(result.Skipped, r => r.StartsWith("1 images in only one", StringComparison.Ordinal));
    }

    [Fact]
    public void Compares_two_columns_of_one_file()
    {
        string a = Write("a.csv", Enumerable.Range(0, 12).Select(i => Row(i, ScoresA[i], ScoresB[i])));

        var s = Assert.Single(PredictionComparison.Compare(a, a, "ensemble", "resnet18").Sources);

        Assert.Equal(0.4380048482726959, s.Auc.PValue, 7); // the normal tail approximation is good to ~1e-8
    }

    [Fact]
    public void Different_labels_or_a_missing_column_name_the_file_and_the_reason()
    {
        string a = Write("a.csv", Enumerable.Range(0, 12).Select(i => Row(i, ScoresA[i])));
        string flipped = Write("flipped.csv", Enumerable.Range(0, 12).Select(i => Row(i, ScoresB[i], label: i == 3 ? 0 : Labels[i])));
        string other = Write("other.csv", ["\"elsewhere.png\",1,\"s\",0.5,0.5"]);

        var e = Assert.Throws<ManifestException>(() => PredictionComparison.Compare(a, flipped));
        Assert.Contains("flipped.csv", e.Message);
        Assert.Contains("'img3.png' is labelled 0 here but 1", e.Message);
        Assert.Contains("no 'googlenet' column", Assert.Throws<ManifestException>(() => PredictionComparison.Compare(a, a, "googlenet")).Message);
        Assert.Contains("shares no file", Assert.Throws<ManifestException>(() => PredictionComparison.Compare(a, other)).Message);
        Assert.Contains("not found", Assert.Throws<ManifestException>(() => PredictionComparison.Compare(a, Path.Combine(_folder, "none.csv"))).Message);
    }

    private static string Row(int i, double ensemble, double? resnet = null, int? label = null) => string.Create(CultureInfo.InvariantCulture,
        $"\"img{i}.png\",{label ?? Labels[i]},\"s\",{ensemble},{resnet ?? ensemble}");

    private static string Nih(double score) => string.Create(CultureInfo.InvariantCulture, $"\"nih0.png\",0,\"nih\",{score},{score}");

    private string Write(string name, IEnumerable<string> rows)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllLines(path, rows.Prepend("file,label,source,ensemble,resnet18"));
        return path;
    }
}
