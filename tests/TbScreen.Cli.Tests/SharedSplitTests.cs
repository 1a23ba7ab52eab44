using TbScreen.Dicom.Tests.TestData;
using TbScreen.Training.Splits;

namespace TbScreen.Cli.Tests;

/// <summary>models/split-all-sources.csv covers every shared image once, with its label, and holds a Shenzhen test split with both classes.</summary>
public sealed class SharedSplitTests
{
    [SkippableFact]
    public void The_all_sources_split_covers_cxr_and_shenzhen_with_a_within_source_test_split()
    {
        string data = SharedDicomData.SharedDataFolder;
        string cxr = Path.Combine(data, "cxr", "manifest.csv"), shenzhen = Path.Combine(data, "shenzhen", "manifest.csv");
        SharedDicomData.Require(cxr, shenzhen);

        string splitFile = Path.Combine(SharedDicomData.RepositoryRoot, "models", "split-all-sources.csv");
        // LoadOrCreate re-reads the split: every image must be listed once, with the manifest's label.
        var split = DatasetSplit.LoadOrCreate($"{cxr},{shenzhen}", splitFile, new SplitOptions(), writeTo: null);
        var shenzhenTest = split.Records.Where(r => r.Source == "shenzhen" && split.Assignment[r] == SplitName.Test).ToList();

        Assert.Equal(917 + 501, split.Records.Count);
        Assert.Equal((39, 36), (shenzhenTest.Count(r => r.Label == 1), shenzhenTest.Count(r => r.Label == 0)));
        Assert.All(split.Records.GroupBy(r => r.PatientId), g => Assert.Single(g.Select(r => split.Assignment[r]).Distinct()));
    }
}
