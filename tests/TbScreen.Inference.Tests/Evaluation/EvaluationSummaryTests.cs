using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Inference.Tests.Evaluation;

public class EvaluationSummaryTests
{
    private static readonly EnsemblePolicy Policy = new(new EnsembleDefinition
    {
        Members = [new EnsembleMember { Bundle = "alexnet" }, new EnsembleMember { Bundle = "googlenet" }],
        Threshold = 0.5,
        UncertaintyBand = 0.0625,
    });

    private static EvaluatedCase Case(string source, bool tb, double score) =>
        new($"{source}-{score}.png", tb, source, Policy.Decide([new MemberScore("alexnet", score, 0.5), new MemberScore("googlenet", score, 0.5)]));

    [Fact]
    public void Within_source_numbers_come_first_and_the_pooled_auc_carries_its_caveat()
    {
        EvaluatedCase[] cases =
        [
            // shenzhen: TB 0.875, 0.375; normal 0.625, 0.125 -> AUC 3/4; at 0.5 sensitivity 1/2, specificity 1/2.
            Case("shenzhen", true, 0.875), Case("shenzhen", true, 0.375), Case("shenzhen", false, 0.625), Case("shenzhen", false, 0.125),
            Case("tbx11k", true, 0.9375), Case("tbx11k", true, 0.25),
            Case("nih", false, 0.0625),
        ];

        string text = EvaluationSummary.Format(EnsembleEvaluation.Compute(cases));
        string[] lines = text.Split('\n');

        Assert.Equal("within source (TB and normal from one hospital):", lines[0].TrimEnd());
        Assert.StartsWith("  shenzhen: n 4 (2 TB): ensemble AUC 0.750 [", lines[1]);
        Assert.Contains("sensitivity 0.500, specificity 0.500 at threshold 0.500", lines[1]);
        Assert.Equal("single-class sources (no AUC): nih 1 not TB, specificity 1.000; tbx11k 2 TB, sensitivity 0.500", lines[2].TrimEnd());
        Assert.StartsWith(EvaluationSummary.PooledCaveat + ": ensemble AUC ", lines[3]);
        Assert.Equal("evaluated 7 images (4 TB, 3 not TB, 0 failed)", lines[4]);
    }

    [Fact]
    public void One_source_with_both_classes_needs_no_caveat()
    {
        EvaluatedCase[] cases = [Case("montgomery", true, 0.75), Case("montgomery", false, 0.25)];
        string text = EvaluationSummary.Format(EnsembleEvaluation.Compute(cases));
        Assert.DoesNotContain(EvaluationSummary.PooledCaveat, text);
        Assert.Contains("overall: ensemble AUC 1.000", text);
    }
}
