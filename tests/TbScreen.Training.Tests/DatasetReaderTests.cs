using CsvReader = TbScreen.Inference.Evaluation.CsvReader;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Tests.Fixtures;

namespace TbScreen.Training.Tests;

public sealed class DatasetReaderTests
{
    [Fact]
    public void ManifestResolvesPathsAndToleratesQuotesAndExtraColumns()
    {
        using var temp = new TempFolder();
        string manifest = LayoutFixtures.Manifest(temp.Path, 8);
        var records = ManifestCsvReader.Read(manifest);
        Assert.Equal(8, records.Count);
        Assert.All(records, r => Assert.True(File.Exists(r.Path), r.Path));
        var negative = records[0];
        Assert.Equal((0, "M", 30.0, "nih_cxr14"), (negative.Label, negative.Sex, negative.Age!.Value, negative.Source));
        Assert.Equal("Effusion|Infiltration, left", negative.Finding);
        Assert.Equal("nih_cxr14:00000000", negative.PatientId); // follow-up index dropped
        Assert.Equal(records[0].PatientId, records[2].PatientId);
        Assert.Equal("tbx11k:tb0001", records[1].PatientId);
        Assert.Null(records[1].Sex);
    }

    [Fact]
    public void ManifestErrorsNameFileAndLine()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["m.csv"], "file,label\na.png,1\nb.png,yes\n");
        var e = Assert.Throws<DatasetException>(() => ManifestCsvReader.Read(temp["m.csv"]));
        Assert.Contains("m.csv:3", e.Message);
        File.WriteAllText(temp["n.csv"], "path,label\n");
        Assert.Contains("'file'", Assert.Throws<DatasetException>(() => ManifestCsvReader.Read(temp["n.csv"])).Message);
    }

    [Fact]
    public void NlmLayoutTakesLabelsFromSuffixAndDemographicsFromReadings()
    {
        using var temp = new TempFolder();
        LayoutFixtures.Nlm(temp.Path);
        var records = DatasetLoader.Load(temp.Path);
        Assert.Equal(5, records.Count);
        Assert.Equal([0, 1, 1, 0, 1], records.Select(r => r.Label));
        Assert.Equal(["M", "F", "M", "F", "M"], records.Select(r => r.Sex));
        Assert.Equal([35.0, 24.0, 1.33, 42.0, 67.0], records.Select(r => r.Age!.Value));
        Assert.Equal(["shenzhen", "shenzhen", "shenzhen", "montgomery", "montgomery"], records.Select(r => r.Source));
        Assert.Equal("shenzhen:CHNCXR_0002", records[1].PatientId);
    }

    [Fact]
    public void Tbx11kReadsCategoriesOrAList()
    {
        using var temp = new TempFolder();
        LayoutFixtures.Tbx11k(temp.Path);
        var all = DatasetLoader.Load(temp.Path);
        Assert.Equal(5, all.Count); // test/ is unlabelled and left out
        Assert.Equal(2, all.Count(r => r.Label == 1));
        Assert.Contains(all, r => r.Finding == "sick" && r.Label == 0);
        var val = Tbx11kLayoutReader.Read(temp.Path, "TBX11K_val");
        Assert.Equal(["h0002", "tb0002"], val.Select(r => r.OriginalId));
        Assert.All(val, r => Assert.True(File.Exists(r.Path)));
    }

    [Fact]
    public void LabelFoldersMapNamesToLabels()
    {
        using var temp = new TempFolder();
        LayoutFixtures.LabelFolders(temp.Path);
        var records = DatasetLoader.Load(temp.Path);
        Assert.Equal([0, 0, 1], records.Select(r => r.Label));
        Directory.CreateDirectory(temp["maybe"]);
        Assert.Throws<DatasetException>(() => LabelFolderReader.Read(temp.Path));
    }

    [Fact]
    public void CsvHandlesQuotesNewlinesAndCrlf()
    {
        var rows = CsvReader.ReadRows(new StringReader("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n\n")).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "b,c", "say \"hi\""], rows[0]);
        Assert.Equal(["multi\nline", "", "x"], rows[1]);
    }
}
