using TbScreen.Inference.Datasets;
using TbScreen.Training.Splits;

namespace TbScreen.Training.Tests;

public sealed class CrossValidationFoldsTests
{
    /// <summary>Two sources with both classes and one with TB only; some patients have two images; 30 test patients.</summary>
    private static Dictionary<CxrRecord, SplitName> Split()
    {
        var assignment = new Dictionary<CxrRecord, SplitName>(ReferenceEqualityComparer.Instance);
        for (int p = 0; p < 130; p++)
        {
            string source = (p % 3) switch { 0 => "a", 1 => "b", _ => "tbonly" };
            int label = source == "tbonly" || p % 4 == 0 ? CxrRecord.Tb : CxrRecord.NotTb;
            var split = p < 30 ? SplitName.Test : p % 6 == 0 ? SplitName.Val : SplitName.Train;
            for (int k = 0; k <= p % 2; k++)
            {
                assignment[new CxrRecord($"/d/{p}_{k}.png", label, null, null, source, $"{source}:{p}")] = split;
            }
        }

        return assignment;
    }

    [Fact]
    public void EveryDevelopmentImageIsHeldOutExactlyOnceAndTheTestSplitNever()
    {
        var split = Split();
        var folds = CrossValidationFolds.Create(split, 5, seed: 1);

        Assert.Equal(5, folds.Count);
        foreach (var (record, original) in split)
        {
            int heldOut = folds.Count(f => f[record] == SplitName.Val);
            if (original == SplitName.Test)
            {
                Assert.Equal(0, heldOut);
                Assert.All(folds, f => Assert.Equal(SplitName.Test, f[record]));
            }
            else
            {
                Assert.Equal(1, heldOut);
                Assert.Equal(4, folds.Count(f => f[record] == SplitName.Train));
            }
        }
    }

    [Fact]
    public void PatientsStayWholeAndEachStratumIsDealtEvenly()
    {
        var split = Split();
        var folds = CrossValidationFolds.Create(split, 5, seed: 1);

        foreach (var fold in folds)
        {
            foreach (var patient in fold.Keys.GroupBy(r => r.PatientId))
            {
                Assert.Single(patient.Select(r => fold[r]).Distinct());
            }
        }

        // Within each (source, label) stratum the held-out patient counts of the five folds differ by at most one.
        var development = split.Where(p => p.Value != SplitName.Test).Select(p => p.Key).ToList();
        foreach (var stratum in development.GroupBy(r => (r.Source, r.Label)))
        {
            var patients = stratum.GroupBy(r => r.PatientId).Select(g => g.First()).ToList();
            var perFold = folds.Select(f => patients.Count(r => f[r] == SplitName.Val)).ToList();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"{stratum.Key}: {string.Join(",", perFold)}");
            Assert.Equal(patients.Count, perFold.Sum());
        }
    }

    [Fact]
    public void TheDealDependsOnTheSeedOnly()
    {
        var split = Split();
        var again = split.Reverse().ToDictionary(p => p.Key, p => p.Value, (IEqualityComparer<CxrRecord>)ReferenceEqualityComparer.Instance);
        var first = CrossValidationFolds.Create(split, 5, seed: 1);
        var reordered = CrossValidationFolds.Create(again, 5, seed: 1);
        var otherSeed = CrossValidationFolds.Create(split, 5, seed: 2);

        Assert.All(split.Keys, r => Assert.Equal(first[0][r], reordered[0][r]));
        Assert.Contains(split.Keys, r => first[0][r] != otherSeed[0][r]);
    }

    [Fact]
    public void TheFinalSplitTrainsOnTrainAndValidation()
    {
        var split = Split();
        var final = CrossValidationFolds.Final(split);

        Assert.All(split, p => Assert.Equal(p.Value == SplitName.Test ? SplitName.Test : SplitName.Train, final[p.Key]));
        Assert.DoesNotContain(final.Values, v => v == SplitName.Val);
    }

    [Fact]
    public void AStratumWithFewerPatientsThanFoldsIsRefusedByName()
    {
        var split = Split();
        split[new CxrRecord("/d/rare.png", CxrRecord.Tb, null, null, "rare", "rare:1")] = SplitName.Train;

        var e = Assert.Throws<ArgumentException>(() => CrossValidationFolds.Create(split, 5, seed: 1));
        Assert.Contains("'rare|1' has 1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossValidationFolds.Create(split, 1, seed: 1));
    }
}
