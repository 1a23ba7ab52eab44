using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Tests.Sites;

public sealed class SiteSampleTests
{
    [Fact]
    public void ReadsEvaluatesPredictionsCsv()
    {
        const string csv = "file,label,source,alexnet,googlenet,ensemble,decision,flags\n\"a,1.png\",1,s,0.7,0.9,0.8,0,\nb.png,0,s,0.1,0.3,0.2,0,disagreement\n";
        var sample = SiteSample.ParseCsv(csv, "predictions.csv");
        Assert.Equal([new LabelledScore(0.8, true), new LabelledScore(0.2, false)], sample.Cases);
    }

    [Fact]
    public void ReadsScoreLabelCsvAndTheHashIgnoresOrder()
    {
        var a = SiteSample.ParseCsv("score,label\n0.8,1\n0.2,0\n", "a.csv");
        var b = SiteSample.ParseCsv("label,score\nnot-tb,0.2\ntb,0.8\n", "b.csv");
        Assert.Equal(a.Sha256(), b.Sha256());
        Assert.Equal(System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("0.2,0\n0.8,1"u8.ToArray())), a.Sha256());
    }

    [Theory]
    [InlineData("file,label\na,1\n", "x.csv: the header needs a 'label' column and an 'ensemble' or 'score' column (found: file,label)")]
    [InlineData("score,label\n1.5,1\n", "x.csv row 2: score '1.5' is not a number in [0, 1]")]
    [InlineData("score,label\n0.5,yes\n", "x.csv row 2: label 'yes' must be 1 or 0 (or tb / not-tb)")]
    [InlineData("", "x.csv: empty, expected a header line (score,label or predictions.csv from tbscreen evaluate)")]
    public void BadFilesAreRefusedNamingTheFileRowAndReason(string csv, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => SiteSample.ParseCsv(csv, "x.csv")).Message);
}
