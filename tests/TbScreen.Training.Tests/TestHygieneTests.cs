using System.Text.RegularExpressions;
using TbScreen.Training.Tests.Pretrained;

namespace TbScreen.Training.Tests;

/// <summary>Rules the test projects keep, checked on their sources so that they cannot silently regress.</summary>
public sealed partial class TestHygieneTests
{
    private static readonly string[] TorchTestProjects = ["TbScreen.Training.Tests", "TbScreen.Onnx.Tests"];

    /// <summary>
    /// Tests seed their own generators (<c>new Generator(seed)</c> passed to randn/rand/randint, weights through
    /// Fixtures/SeededInit), never torch's process-global one: xunit runs test classes in parallel (and Trainer.Run
    /// reseeds the global generator), so a test that seeds it gets numbers that depend on scheduling.
    /// </summary>
    [Fact]
    public void No_test_seeds_torchs_global_generator()
    {
        string tests = Path.Combine(ResNet18ParityTests.RepoRoot(), "tests");
        var offenders = new List<string>();
        int scanned = 0;
        foreach (string project in TorchTestProjects)
        {
            string root = Path.Combine(tests, project);
            foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                scanned++;
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    if (GlobalSeed().IsMatch(lines[i])) offenders.Add($"{project}/{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(scanned > 50, $"only {scanned} source files found under {tests}: the scan looked in the wrong place");
        Assert.True(offenders.Count == 0, "Seed a torch.Generator of the test's own instead of the global generator:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_pattern_catches_every_spelling_of_a_global_seed()
    {
        // Built from parts so that this file holds no match itself.
        string call = "manual" + "_seed";
        Assert.All([$"{call}(3);", $"random.{call}(41);", $"torch.random.{call} (7);", $"torch.{call}(1)"], line => Assert.Matches(GlobalSeed(), line));
        Assert.DoesNotMatch(GlobalSeed(), "using var generator = new Generator(3);");
    }

    /// <summary>torch.manual_seed, torch.random.manual_seed and the static-import forms: each seeds the global generator.</summary>
    [GeneratedRegex(@"\bmanual_seed\s*\(")]
    private static partial Regex GlobalSeed();
}
