using TbScreen.Dicom.Tests.TestData;
using TbScreen.Inference;
using TbScreen.Inference.Bundles;

namespace TbScreen.Cli.Tests;

/// <summary>The committed bundles load (hashes, metadata), stay within the size budget, and screen the samples.</summary>
public sealed class ShippedModelsTests
{
    private static string ModelsDirectory => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    [Fact]
    public void BothBundlesAndTheEnsembleLoadWithValidHashesAndThresholds()
    {
        using var ensemble = TbEnsemble.Load(ModelsDirectory);

        Assert.Equal(["alexnet", "googlenet"], ensemble.Members.Select(m => m.Name).ToArray());
        Assert.All(ensemble.Members, m => Assert.InRange(m.Bundle.Threshold, 0.0, 1.0));
        Assert.All(ensemble.Members, m => Assert.Contains(m.Bundle.Metadata.Metrics, x => x.Name == "auc" && x.Ci is { Count: 2 }));
        Assert.True(ensemble.Members.Single(m => m.Name == "googlenet").HasCam);
    }

    [Fact]
    public void ModelsFolderStaysUnderOneHundredMegabytes()
    {
        long bytes = Directory.EnumerateFiles(ModelsDirectory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 100L * 1024 * 1024, $"models/ holds {bytes / 1e6:F1} MB");
    }

    [Fact]
    public void ModelCardsSayResearchUseOnlyAndQuoteTestResults()
    {
        foreach (string name in new[] { "alexnet", "googlenet" })
        {
            string card = File.ReadAllText(Path.Combine(ModelsDirectory, name, ModelBundle.ModelCardFileName));
            Assert.Contains("Research use only", card);
            Assert.Contains("Held-out test results", card);
            Assert.Contains("source separation", card);
        }
    }

    [Fact]
    public void TheReadmeMainCommandScreensEverySample()
    {
        var samples = Directory.GetFiles(Path.Combine(SharedDicomData.RepositoryRoot, "samples"), "*.dcm").Order().ToArray();
        var (code, stdout, stderr) = CliRunner.Run(["screen", .. samples, "--models", ModelsDirectory]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(samples.Length, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"alexnet=0\.\d{4} googlenet=0\.\d{4} ensemble=0\.\d{4} decision=(tb|not-tb)", l));
    }

    [Fact]
    public void TheLungCheckFlagsAnImageWithoutLungsAndPassesTheChestPhantom()
    {
        string flat = CliRunner.TempPath("flat-grey.png");
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(256, 256, new SixLabors.ImageSharp.PixelFormats.L8(128)))
        {
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, flat);
        }

        string phantom = Path.Combine(SharedDicomData.RepositoryRoot, "samples", "phantom-explicit-le-mono2.dcm");
        var (code, stdout, stderr) = CliRunner.Run(["screen", phantom, flat, "--models", ModelsDirectory]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.DoesNotContain("lungs-not-found", lines.Single(l => l.Contains("phantom", StringComparison.Ordinal)));
        Assert.Contains("flag=lungs-not-found", lines.Single(l => l.Contains("flat-grey", StringComparison.Ordinal)));
        Assert.Contains("lungs not found", lines.Single(l => l.Contains("flat-grey", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheThreeMemberEnsembleAveragesAlexNetGoogLeNetAndTheResNet()
    {
        using (var ensemble = TbEnsemble.Load(ModelsDirectory, ensembleFile: "ensemble-3.json"))
        {
            Assert.Equal(["alexnet", "googlenet", "resnet18"], ensemble.Members.Select(m => m.Name).ToArray());
            Assert.True(ensemble.Members.Single(m => m.Name == "resnet18").HasCam);
        }

        string flat = CliRunner.TempPath("flat-grey-3.png");
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(256, 256, new SixLabors.ImageSharp.PixelFormats.L8(128)))
        {
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, flat);
        }

        var samples = Directory.GetFiles(Path.Combine(SharedDicomData.RepositoryRoot, "samples"), "*.dcm").Order().Append(flat).ToArray();
        var (code, stdout, stderr) = CliRunner.Run(["screen", .. samples, "--models", ModelsDirectory, "--ensemble", "ensemble-3.json"]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(samples.Length, lines.Length);
        // The ResNet's out-of-distribution detector (resnet18/ood.json) knows a flat grey square is no radiograph.
        Assert.Contains("unfamiliar", lines.Single(l => l.Contains("flat-grey-3", StringComparison.Ordinal)).Split(" flag=")[1].Split(' ')[0]);
        foreach (string line in lines)
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"alexnet=(0\.\d{4}) googlenet=(0\.\d{4}) resnet18=(0\.\d{4}) ensemble=(0\.\d{4})");
            Assert.True(match.Success, line);
            double[] p = Enumerable.Range(1, 4).Select(g => double.Parse(match.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // The "mean" rule, from the printed (4-decimal) member probabilities.
            Assert.InRange(p[3], (p[0] + p[1] + p[2]) / 3 - 2e-4, (p[0] + p[1] + p[2]) / 3 + 2e-4);
        }
    }
}
