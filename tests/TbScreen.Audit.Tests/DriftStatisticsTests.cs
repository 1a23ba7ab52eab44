using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

public sealed class DriftStatisticsTests
{
    [Fact]
    public void Psi_of_two_mirrored_samples_is_ln_3()
    {
        // Edge 0.5: the reference has 3 of 4 below it, the current 1 of 4.
        // PSI = (0.25 − 0.75)·ln(0.25/0.75) + (0.75 − 0.25)·ln(0.75/0.25) = 0.5·ln 3 + 0.5·ln 3 = ln 3.
        var psi = DriftStatistics.Psi([0.1, 0.2, 0.3, 0.6], [0.1, 0.6, 0.7, 0.8], [0.5]);
        Assert.Equal(Math.Log(3), psi.Psi, 12);
        Assert.Equal([0.75, 0.25], psi.ReferenceShares);
        Assert.Equal([0.25, 0.75], psi.CurrentShares);
    }

    [Fact]
    public void Psi_gives_empty_bins_a_share_of_one_in_ten_thousand()
    {
        // r = (1, 0 → 1e-4), c = (0 → 1e-4, 1): PSI = 2 · (1 − 1e-4) · ln(1e4).
        Assert.Equal(2 * (1 - 1e-4) * Math.Log(1e4), DriftStatistics.Psi([0.1, 0.2], [0.6, 0.7], [0.5]).Psi, 10);
    }

    [Fact]
    public void Psi_of_the_same_distribution_is_zero_and_bins_are_closed_on_the_left()
    {
        Assert.Equal(0, DriftStatistics.Psi([0.1, 0.5, 0.9], [0.9, 0.5, 0.1], [0.5]).Psi);
        Assert.Equal([1 / 3.0, 2 / 3.0], DriftStatistics.Psi([0.1, 0.5, 0.9], [0.1], [0.5]).ReferenceShares); // 0.5 falls in [0.5, ∞)
    }

    [Fact]
    public void Quantile_edges_split_the_reference_evenly_and_merge_ties()
    {
        double[] tenths = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
        Assert.Equal([0.3, 0.5, 0.7, 0.9], DriftStatistics.QuantileEdges(tenths, 5));
        Assert.Equal([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], DriftStatistics.QuantileEdges(tenths));
        // Six of ten at zero: the edges k = 1..5 (all 0) are dropped, no bin lies below the minimum; k = 6..9 stay.
        Assert.Equal([0.7, 0.8, 0.9, 1.0], DriftStatistics.QuantileEdges([0, 0, 0, 0, 0, 0, 0.7, 0.8, 0.9, 1.0]));
        Assert.Equal(0, DriftStatistics.Psi(tenths, tenths).Psi);
    }

    [Fact]
    public void Ks_statistic_is_the_largest_gap_between_the_empirical_cdfs()
    {
        // At x = 2 the reference CDF is 0.5 and the current 0; at 4 they are 1 and 0.5: D = 0.5.
        var ks = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]);
        Assert.Equal(0.5, ks.Statistic);
        double sqrtNe = Math.Sqrt(4 * 4 / 8.0);
        Assert.Equal(DriftStatistics.KolmogorovQ((sqrtNe + 0.12 + 0.11 / sqrtNe) * 0.5), ks.PValue, 15);
        // Ties step both CDFs together: at 1, 2/3 against 1/3; at 2 both 1.
        Assert.Equal(1 / 3.0, DriftStatistics.KolmogorovSmirnov([1, 1, 2], [1, 2, 2]).Statistic, 15);
        Assert.Equal(0, DriftStatistics.KolmogorovSmirnov([1, 2], [2, 1]).Statistic);
        Assert.Equal(1, DriftStatistics.KolmogorovSmirnov([1, 2], [3, 4]).Statistic);
    }

    [Fact]
    public void Kolmogorov_tail_at_one_is_the_table_value()
    {
        // Q(1) = 2 (e^−2 − e^−8 + e^−18 − …) = 0.2699996716…
        Assert.Equal(2 * (Math.Exp(-2) - Math.Exp(-8) + Math.Exp(-18)), DriftStatistics.KolmogorovQ(1), 12);
        Assert.Equal(1, DriftStatistics.KolmogorovQ(0));
    }

    [Fact]
    public void Empty_or_non_finite_scores_are_refused_by_name()
    {
        Assert.Equal("current: no scores (Parameter 'current')", Assert.Throws<ArgumentException>(() => DriftStatistics.Psi([0.1], [], [0.5])).Message);
        Assert.Equal("reference: a score is not a finite number (Parameter 'reference')", Assert.Throws<ArgumentException>(() => DriftStatistics.KolmogorovSmirnov([double.NaN], [0.1])).Message);
    }

    [Fact]
    public void A_reference_is_made_from_evaluates_predictions_and_read_back()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-ref-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string csv = Path.Combine(dir, "predictions.csv");
        File.WriteAllText(csv, "file,label,source,alexnet,googlenet,ensemble,decision,flags\na.png,1,s,0.7,0.9,0.8,0,\nb.png,0,s,0.1,0.3,0.2,0,\nc.png,0,s,0.1,0.1,0.1,0,\n");
        var reference = ReferenceScores.FromPredictions(csv, "alexnet@1+googlenet@1", new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc));
        string json = Path.Combine(dir, "reference-scores.json");
        File.WriteAllBytes(json, reference.ToJson());

        var read = ReferenceScores.Read(json);
        Assert.Equal([0.8, 0.2, 0.1], read.Scores);
        Assert.Equal((1, 2, "alexnet@1+googlenet@1"), (read.Positives, read.Negatives, read.ModelVersion));
        File.WriteAllText(json, "{\"scores\": []}");
        Assert.Equal($"{json}: has no \"scores\"", Assert.Throws<TbScreen.Inference.Evaluation.ManifestException>(() => ReferenceScores.Read(json)).Message);
        Directory.Delete(dir, recursive: true);
    }
}
