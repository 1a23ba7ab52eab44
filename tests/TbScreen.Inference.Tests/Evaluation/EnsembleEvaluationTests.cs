using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Inference.Tests.Evaluation;

public class EnsembleEvaluationTests
{
    private static readonly EnsemblePolicy Policy = new(new EnsembleDefinition
    {
        Members = [new EnsembleMember { Bundle = "alexnet" }, new EnsembleMember { Bundle = "googlenet" }],
        Threshold = 0.5,
        UncertaintyBand = 0.0625,
    });

    private static EvaluatedCase Case(string source, bool tb, double alex, double goog) =>
        new($"{source}-{alex}-{goog}.png", tb, source, Policy.Decide([new MemberScore("alexnet", alex, 0.5), new MemberScore("googlenet", goog, 0.5)]));

    [Fact]
    public void Disagreement_agreed_and_radiologist_augmented_accuracy_match_hand_counts()
    {
        EvaluatedCase[] cases =
        [
            Case("a", true, 0.875, 0.75), // agree TB, correct
            Case("a", true, 0.25, 0.125), // agree not TB, wrong (missed TB)
            Case("a", false, 0.125, 0.25), // agree not TB, correct
            Case("b", true, 0.9375, 0.25), // disagree (mean 0.59375, outside the band): flagged, ensemble TB correct
            Case("b", false, 0.9375, 0.375), // disagree: flagged, ensemble 0.65625 says TB, wrong
        ];

        var report = EnsembleEvaluation.Compute(cases);

        Assert.Equal((5, 3, 2), (report.N, report.Tb, report.NonTb));
        Assert.Equal(0.4, report.DisagreementRate);
        Assert.Equal(0.0, report.UncertainRate);
        Assert.Equal(2.0 / 3, report.AgreedAccuracy!.Value, 12);
        // Flagged cases read correctly: 1 wrong left (the missed TB) -> 4/5; sensitivity 2/3, specificity 1.
        Assert.Equal(0.8, report.RadiologistAugmentedAccuracy);
        Assert.Equal(2.0 / 3, report.RadiologistAugmentedSensitivity!.Value, 12);
        Assert.Equal(1.0, report.RadiologistAugmentedSpecificity);
        // Ensemble at 0.5: TP 2 (0.8125, 0.59375), FN 1, FP 1 (0.65625), TN 1.
        Assert.Equal(2.0 / 3, report.Ensemble.Sensitivity!.Value, 12);
        Assert.Equal(0.5, report.Ensemble.Specificity);
        Assert.Equal(["alexnet", "googlenet"], report.Models.Keys);
        Assert.NotNull(report.Ensemble.AucCi);
    }

    [Fact]
    public void By_source_counts_classes_and_single_class_sources_get_a_null_auc_with_a_reason()
    {
        EvaluatedCase[] cases =
        [
            Case("tbx11k", true, 0.875, 0.75),
            Case("tbx11k", true, 0.75, 0.875),
            Case("nih", false, 0.125, 0.25),
            Case("mixed", true, 0.75, 0.75),
            Case("mixed", false, 0.25, 0.25),
        ];

        var report = EnsembleEvaluation.Compute(cases, [new CaseFailure("bad.png", "unreadable")]);

        Assert.Equal(["mixed", "nih", "tbx11k"], report.BySource.Keys);
        var tbx = report.BySource["tbx11k"];
        Assert.Equal((2, 2, 0), (tbx.N, tbx.Tb, tbx.NonTb));
        Assert.Null(tbx.Ensemble.Auc);
        Assert.Null(tbx.Ensemble.AucCi);
        Assert.Contains("no negative", tbx.Ensemble.AucNullReason);
        Assert.Null(tbx.Ensemble.Specificity);
        Assert.Equal(1.0, report.BySource["mixed"].Ensemble.Auc);
        Assert.Equal(["mixed"], report.BothClassSourceNames);
        Assert.Equal(2, report.BothClassSources!.N);
        Assert.Single(report.Failures);
    }

    [Fact]
    public void A_single_class_set_is_reported_not_refused()
    {
        var report = EnsembleEvaluation.Compute([Case("nih", false, 0.25, 0.125)]);

        Assert.Null(report.Ensemble.Auc);
        Assert.Contains("no positive", report.Ensemble.AucNullReason);
        Assert.Equal(1.0, report.Ensemble.Specificity);
        Assert.Null(report.BothClassSources);
    }

    [Fact]
    public void Negatives_are_split_by_finding_so_specificity_on_other_disease_shows()
    {
        EvaluatedCase[] cases =
        [
            Case("nih", false, 0.125, 0.25) with { Findings = "No Finding" },    // correct
            Case("nih", false, 0.25, 0.125) with { Findings = "no finding" },    // correct (case-insensitive)
            Case("nih", false, 0.875, 0.75) with { Findings = "Infiltration" },  // false positive
            Case("nih", false, 0.125, 0.125) with { Findings = "Effusion|Mass" }, // correct
            Case("tbx", true, 0.875, 0.875) with { Findings = "Tuberculosis" },  // positives are not split
        ];

        var byFinding = EnsembleEvaluation.Compute(cases).NegativesByFinding!;

        Assert.Equal(["noFinding", "otherFindings"], byFinding.Keys.ToArray());
        Assert.Equal((2, 0), (byFinding["noFinding"].N, byFinding["noFinding"].Tb));
        Assert.Equal(1.0, byFinding["noFinding"].Ensemble.Specificity);
        Assert.Equal(2, byFinding["otherFindings"].N);
        Assert.Equal(0.5, byFinding["otherFindings"].Ensemble.Specificity);
        Assert.Null(EnsembleEvaluation.Compute([Case("x", false, 0.1, 0.1)]).NegativesByFinding);
    }
}
