using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
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
        // An INT8 bundle's model.onnx is not shipped (git-ignored, rebuilt by `tbscreen quantize-rebuild`; docs/quantization.md).
        long bytes = Directory.EnumerateFiles(ModelsDirectory, "*", SearchOption.AllDirectories).Where(f => !IsRebuiltInt8Model(f)).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 100L * 1024 * 1024, $"models/ holds {bytes / 1e6:F1} MB");
    }

    [Theory]
    [InlineData("ensemble-int8.json", "alexnet-int8", "googlenet-int8", false)]
    [InlineData("ensemble-pruned-int8.json", "alexnet-pruned-int8", "googlenet-int8", false)]
    [InlineData("ensemble-avx2-int8.json", "alexnet-avx2-int8", "googlenet-avx2-int8", true)]
    [InlineData("ensemble-pruned-avx2-int8.json", "alexnet-pruned-avx2-int8", "googlenet-avx2-int8", true)]
    public void TheInt8EnsemblesLoadOnceRebuiltAndKeepTheHeatmap(string file, string alexnet, string googlenet, bool reduceRange)
    {
        foreach (string dir in Directory.GetDirectories(ModelsDirectory, "*-int8"))
        {
            if (!File.Exists(Path.Combine(dir, ModelBundle.OnnxFileName)))
            {
                TbScreen.Training.Quantization.QuantizedBundle.Rebuild(dir, write: true); // git-ignored; SHA-256 checked
            }
        }

        using var ensemble = TbEnsemble.Load(ModelsDirectory, ensembleFile: file);

        Assert.Equal([alexnet, googlenet], ensemble.Members.Select(m => m.Name).ToArray());
        Assert.True(ensemble.Members.Single(m => m.Name == googlenet).HasCam);
        Assert.All(ensemble.Members, m => Assert.Equal(reduceRange, m.Bundle.Metadata.Quantization!.ReduceRange));
        if (reduceRange) Assert.All(ensemble.Members, m => Assert.Null(m.Int8Warning)); // exact on any x64 CPU, so never a warning
        Assert.All(ensemble.Members, m => Assert.Equal("train", m.Bundle.Metadata.Quantization!.CalibrationSplit));
        Assert.All(ensemble.Members, m => Assert.Contains("Research use only", File.ReadAllText(Path.Combine(m.Bundle.Directory, ModelBundle.ModelCardFileName))));
    }

    private static bool IsRebuiltInt8Model(string path) =>
        Path.GetFileName(path) == ModelBundle.OnnxFileName && File.Exists(Path.Combine(Path.GetDirectoryName(path)!, TbScreen.Training.Quantization.QuantizedBundle.ReportFileName));

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

    /// <summary>
    /// The README's `screen samples/*.dcm`, checked per sample against an independent reading of models/: the ensemble
    /// score is the (weighted) mean of the printed members, and the decision and flags follow ensemble.json's threshold
    /// and band and each member's own operating threshold, as EnsemblePolicy defines them.
    /// </summary>
    [Fact]
    public void TheReadmeMainCommandScreensEverySample()
    {
        using var ensembleJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelsDirectory, "ensemble.json")));
        var definition = ensembleJson.RootElement;
        bool weighted = definition.GetProperty("rule").GetString() == "weighted"; // "mean" ignores the weights
        var members = definition.GetProperty("members").EnumerateArray().Select(m => (
            Name: m.GetProperty("bundle").GetString()!,
            Weight: weighted ? m.GetProperty("weight").GetDouble() : 1.0,
            Threshold: OperatingThreshold(m.GetProperty("bundle").GetString()!))).ToArray();
        double threshold = definition.GetProperty("threshold").GetDouble();
        double band = definition.GetProperty("uncertaintyBand").GetDouble();
        var samples = Directory.GetFiles(Path.Combine(SharedDicomData.RepositoryRoot, "samples"), "*.dcm").Order().ToArray();

        var (code, stdout, stderr) = CliRunner.Run(["screen", .. samples, "--models", ModelsDirectory]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(samples, lines.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]));
        foreach (string line in lines)
        {
            var scores = Regex.Matches(line, @" (\w+)=(\d\.\d{4})").ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            string decision = Regex.Match(line, @" decision=(\S+)").Groups[1].Value;
            string[] flags = Regex.Match(line, @" flag=(\S+)").Groups[1].Value.Split('+');
            double ensemble = scores["ensemble"];
            double expected = members.Sum(m => m.Weight * scores[m.Name]) / members.Sum(m => m.Weight);

            // Printed to 4 decimals: each member and the ensemble are off by at most 0.00005.
            Assert.True(Math.Abs(ensemble - expected) <= 1.0001e-4, $"{line}: expected ensemble {expected:F5}");
            Assert.True(Math.Abs(ensemble - threshold) > 5e-5, $"{line}: too close to the threshold to check the call at 4 decimals");
            Assert.True(decision == (ensemble >= threshold ? "tb" : "not-tb"), $"{line}: threshold {threshold}");
            bool disagree = members.Any(m => scores[m.Name] >= m.Threshold) && members.Any(m => scores[m.Name] < m.Threshold);
            Assert.True(disagree == flags.Contains("disagreement"), $"{line}: member thresholds {string.Join(", ", members.Select(m => m.Threshold))}");
            Assert.True(Math.Abs(Math.Abs(ensemble - threshold) - band) > 5e-5, $"{line}: too close to the band's edge to check at 4 decimals");
            Assert.True((band > 0 && Math.Abs(ensemble - threshold) <= band) == flags.Contains("uncertain"), $"{line}: band {band}");
        }
    }

    /// <summary>A member's own threshold: the one of its metadata.json thresholds that "operating" names.</summary>
    private static double OperatingThreshold(string bundle)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelsDirectory, bundle, "metadata.json")));
        var thresholds = metadata.RootElement.GetProperty("thresholds");
        return thresholds.GetProperty(thresholds.GetProperty("operating").GetString()!).GetDouble();
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
        // Both checks fire: no lungs, and (since 2.0.0 every member has a detector) features unlike the training radiographs.
        string[] flags = Regex.Match(lines.Single(l => l.Contains("flat-grey", StringComparison.Ordinal)), @" flag=(\S+)").Groups[1].Value.Split('+');
        Assert.Equal(["unfamiliar", "lungs-not-found"], flags);
        Assert.Contains("lungs not found", lines.Single(l => l.Contains("flat-grey", StringComparison.Ordinal)));
    }

    [Fact]
    public void AThreeMemberEnsembleOfTheShippedBundlesAveragesAlexNetGoogLeNetAndTheResNet()
    {
        // A site can write its own three-member definition (the shipped ensemble-3.json weights the ResNet and averages
        // test-time views): here a plain mean, beside links to the bundles.
        string models = CliRunner.TempPath("three-members");
        Directory.CreateDirectory(models);
        foreach (string bundle in new[] { "alexnet", "googlenet", "resnet18", "lungs" })
        {
            Directory.CreateSymbolicLink(Path.Combine(models, bundle), Path.Combine(ModelsDirectory, bundle));
        }

        File.WriteAllText(Path.Combine(models, "ensemble-3.json"), """
            { "schemaVersion": 1, "members": [ { "bundle": "alexnet", "weight": 1 }, { "bundle": "googlenet", "weight": 1 }, { "bundle": "resnet18", "weight": 1 } ],
              "rule": "mean", "threshold": 0.5, "uncertaintyBand": 0.05, "heatmapMember": "googlenet", "lungs": "lungs" }
            """);
        using (var ensemble = TbEnsemble.Load(models, ensembleFile: "ensemble-3.json"))
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
        var (code, stdout, stderr) = CliRunner.Run(["screen", .. samples, "--models", models, "--ensemble", "ensemble-3.json"]);

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
