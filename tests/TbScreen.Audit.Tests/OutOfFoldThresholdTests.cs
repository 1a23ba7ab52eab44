using System.Globalization;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit.Tests;

public sealed class OutOfFoldThresholdTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tbscreen-oof-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Fold A: 12 TB scored 0.40, 0.45, .., 0.95 and 12 normals 0.051, 0.101, .., 0.601; fold B: 10 TB 0.42 .. 0.87 and
    /// 10 normals 0.071 .. 0.521; fold A also holds 3 TB of a TB-only source scored 0.01, which must not count.
    /// </summary>
    private string[] WriteFolds()
    {
        var a = Enumerable.Range(0, 12).Select(i => Row($"a-tb{i}", 1, "s", 0.40 + 0.05 * i))
            .Concat(Enumerable.Range(0, 12).Select(i => Row($"a-n{i}", 0, "s", 0.051 + 0.05 * i)))
            .Concat(Enumerable.Range(0, 3).Select(i => Row($"a-x{i}", 1, "x", 0.01)));
        var b = Enumerable.Range(0, 10).Select(i => Row($"b-tb{i}", 1, "s", 0.42 + 0.05 * i))
            .Concat(Enumerable.Range(0, 10).Select(i => Row($"b-n{i}", 0, "s", 0.071 + 0.05 * i)));
        return [Write("fold-1.csv", a), Write("fold-2.csv", b)];
    }

    [Fact]
    public void Chooses_on_the_pooled_folds_and_judges_each_fold_by_the_others()
    {
        var result = OutOfFoldThreshold.Choose(WriteFolds(), 0.9);

        // By hand: 20 of the 22 TB must be caught; the 20th highest TB score is fold A's 0.45.
        Assert.Equal(0.45, result.Point.Threshold, 12);
        Assert.Equal((22, 22), (result.Cases.Positives.Length, result.Cases.Negatives.Length));
        Assert.Equal(20.0 / 22, result.Point.Sensitivity, 12);
        Assert.Equal(16.0 / 22, result.Point.Specificity, 12); // normals under 0.45: 8 in A, 8 in B
        Assert.Equal(["s"], result.Sources);
        Assert.Equal([24, 20], result.CasesPerFold);
        // At the pooled threshold: A catches 11/12 TB and clears 8/12 normals; B 9/10 and 8/10.
        Assert.Equal([(11, 12, 8, 12), (9, 10, 8, 10)], result.AtPooledThreshold.Select(f => (f.TruePositives, f.Positives, f.TrueNegatives, f.Negatives)));
        // The rule on B alone (9 of 10 TB) picks 0.47, which on A catches 10/12 TB and clears 9/12 normals;
        // on A alone (11 of 12) it picks 0.45, which on B catches 9/10 and clears 8/10.
        var folds = result.Check.Folds;
        Assert.Equal(0.47, folds[0].Threshold, 12);
        Assert.Equal((10, 12, 9, 12), (folds[0].TruePositives, folds[0].Positives, folds[0].TrueNegatives, folds[0].Negatives));
        Assert.Equal(0.45, folds[1].Threshold, 12);
        Assert.Equal((9, 10, 8, 10), (folds[1].TruePositives, folds[1].Positives, folds[1].TrueNegatives, folds[1].Negatives));
        Assert.Equal(19.0 / 22, result.Check.PooledSensitivity, 12);
    }

    [Fact]
    public void Holding_raises_the_target_by_steps_of_one_hundredth_until_the_folds_reach_it()
    {
        // Target 0.90 reaches 19/22 across folds (above); 0.91 reaches 20/22 (by hand: fold A judged at 0.42 catches
        // 11/12, fold B at 0.45 catches 9/10), so the search stops there. A target no rule can hold stops at 1.
        var held = OutOfFoldThreshold.ChooseHolding(WriteFolds(), 0.9);
        Assert.Equal(0.91, held.TargetSensitivity, 12);
        Assert.Equal(0.42, held.Point.Threshold, 12);
        Assert.Equal(20.0 / 22, held.Check.PooledSensitivity, 12);

        var first = OutOfFoldThreshold.ChooseHolding(WriteFolds(), 0.85);
        Assert.Equal(0.85, first.TargetSensitivity, 12); // 19/22 = 0.864 already holds

        var ceiling = OutOfFoldThreshold.ChooseHolding(WriteFolds(), 0.999);
        Assert.Equal(1.0, ceiling.TargetSensitivity, 12);
    }

    [Fact]
    public void An_image_in_two_folds_or_a_missing_file_is_refused_by_name()
    {
        string[] folds = WriteFolds();
        string twice = Write("fold-3.csv", [Row("a-tb0", 1, "s", 0.4)]);

        var e = Assert.Throws<ManifestException>(() => OutOfFoldThreshold.Choose([.. folds, twice], 0.9));
        Assert.Contains("fold-3.csv", e.Message);
        Assert.Contains("'a-tb0.png' is also in", e.Message);
        Assert.Contains("not found", Assert.Throws<ManifestException>(() => OutOfFoldThreshold.Choose([folds[0], Path.Combine(_folder, "none.csv")], 0.9)).Message);
        Assert.Throws<ArgumentException>(() => OutOfFoldThreshold.Choose([folds[0]], 0.9));
    }

    private static string Row(string name, int label, string source, double score) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{name}.png\",{label},\"{source}\",{score:R}");

    private string Write(string name, IEnumerable<string> rows)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllLines(path, rows.Prepend("file,label,source,ensemble"));
        return path;
    }
}
