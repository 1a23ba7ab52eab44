using TbScreen.Inference.Datasets;
using TbScreen.Training.Splits;
using TbScreen.Training.Tests.Fixtures;

namespace TbScreen.Training.Tests;

public sealed class SplitTests
{
    private static List<CxrRecord> Synthetic()
    {
        // 3 sources; some patients have several images; 40% TB.
        var records = new List<CxrRecord>();
        for (int p = 0; p < 200; p++)
        {
            string source = (p % 3) switch { 0 => "a", 1 => "b", _ => "c" };
            int label = p % 5 < 2 ? 1 : 0;
            for (int k = 0; k <= p % 3; k++)
            {
                records.Add(new CxrRecord($"/data/{p}_{k}.png", label, null, null, source, $"{source}:{p}"));
            }
        }

        return records;
    }

    [Fact]
    public void LeavingASourceOutDropsItFromEverySplit()
    {
        var records = Synthetic();
        var split = new DatasetSplit(records, PatientSplitter.Split(records, new SplitOptions { Seed = 3 }), "/data");
        var loso = split.WithoutSources(["b"]);
        Assert.DoesNotContain(loso.Records, r => r.Source == "b");
        Assert.Equal(records.Count(r => r.Source != "b"), loso.Records.Count);
        Assert.All(loso.Records, r => Assert.Equal(split.Assignment[r], loso.Assignment[r]));
        Assert.Same(split, split.WithoutSources([]));
        Assert.Contains("no source named shenzen", Assert.Throws<ArgumentException>(() => split.WithoutSources(["shenzen"])).Message);
    }

    [Fact]
    public void TwoManifestsSplitTogetherWithNamesFromTheirCommonFolder()
    {
        using var temp = new TempFolder();
        string root = temp.Path;
        foreach (var (folder, rows) in new[] { ("cxr", "x.png,1,tbx11k\nw.png,0,nih\n"), ("shenzhen", "y.png,0,shenzhen\nz.png,1,shenzhen\n") })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(root, folder));
            File.WriteAllText(System.IO.Path.Combine(root, folder, "manifest.csv"), "file,label,source\n" + rows);
        }

        string data = $"{System.IO.Path.Combine(root, "cxr", "manifest.csv")},{System.IO.Path.Combine(root, "shenzhen", "manifest.csv")}";
        string splitPath = System.IO.Path.Combine(root, "split.csv");
        File.WriteAllText(splitPath, "split,file,label,source\ntrain,cxr/x.png,1,tbx11k\ntrain,cxr/w.png,0,nih\nval,shenzhen/y.png,0,shenzhen\ntest,shenzhen/z.png,1,shenzhen\n");
        var split = DatasetSplit.LoadOrCreate(data, splitPath, new SplitOptions(), writeTo: null);
        Assert.Equal(4, split.Records.Count);
        Assert.Equal(SplitName.Test, split.Assignment[split.Records.Single(r => r.Path.EndsWith("z.png", StringComparison.Ordinal))]);
        Assert.Equal(System.IO.Path.GetFullPath(root), split.DataRoot);
    }

    [Fact]
    public void PatientsNeverCrossSplits()
    {
        var split = PatientSplitter.Split(Synthetic(), new SplitOptions { Seed = 3 });
        foreach (var patient in split.GroupBy(p => p.Key.PatientId))
        {
            Assert.Single(patient.Select(p => p.Value).Distinct());
        }
    }

    [Fact]
    public void SplitsAreStratifiedByLabelAndSource()
    {
        var records = Synthetic();
        var split = PatientSplitter.Split(records, new SplitOptions { Seed = 3 });
        foreach (var stratum in records.GroupBy(r => (r.Source, r.Label)))
        {
            var patients = stratum.Select(r => r.PatientId).Distinct().ToList();
            int val = patients.Count(id => split[stratum.First(r => r.PatientId == id)] == SplitName.Val);
            Assert.InRange(val, (int)(patients.Count * 0.15) - 1, (int)(patients.Count * 0.15) + 1);
        }
    }

    [Fact]
    public void SameSeedSameSplitOtherSeedDifferent()
    {
        var records = Synthetic();
        var a = PatientSplitter.Split(records, new SplitOptions { Seed = 5 });
        var b = PatientSplitter.Split(records.AsEnumerable().Reverse().ToList(), new SplitOptions { Seed = 5 });
        var c = PatientSplitter.Split(records, new SplitOptions { Seed = 6 });
        Assert.All(records, r => Assert.Equal(a[r], b[r]));
        Assert.Contains(records, r => a[r] != c[r]);
    }

    [Fact]
    public void SplitFileRoundTripsAndRejectsMismatches()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp.Path, 12);
        string splitPath = temp["split.csv"];
        var first = DatasetSplit.LoadOrCreate(manifest, null, new SplitOptions { Train = 0.5, Val = 0.25, Test = 0.25, Seed = 9 }, splitPath);
        Assert.StartsWith(SplitFile.Header + "\n", File.ReadAllText(splitPath));
        Assert.Contains("images/img_000.png", File.ReadAllText(splitPath));
        var again = DatasetSplit.LoadOrCreate(manifest, splitPath, new SplitOptions { Seed = 999 }, null);
        foreach (var record in again.Records)
        {
            var original = first.Records.Single(r => r.Path == record.Path);
            Assert.Equal(first.Assignment[original], again.Assignment[record]);
        }

        File.WriteAllText(splitPath, File.ReadAllText(splitPath).Replace("images/img_001.png,1", "images/img_001.png,0"));
        Assert.Contains("label", Assert.Throws<DatasetException>(() => DatasetSplit.LoadOrCreate(manifest, splitPath, new SplitOptions(), null)).Message);
    }

    [Fact]
    public void RatiosMustSumToOne() =>
        Assert.Throws<ArgumentException>(() => PatientSplitter.Split(Synthetic(), new SplitOptions { Train = 0.8, Val = 0.3, Test = 0 }));
}
