using TbScreen.Imaging;
using TbScreen.Training.Robustness;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>Resuming an interrupted attack run: reused batches, the same numbers as an uninterrupted run, stale records ignored.</summary>
public sealed class AttackJournalTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tbscreen-journal-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Counts the batches the attacks actually ran on (every call of the net), so reuse is visible.</summary>
    private sealed class CountingTarget(IAttackTarget inner) : IAttackTarget
    {
        public int Calls { get; private set; }

        public string Name => inner.Name;

        public double Threshold => inner.Threshold;

        public Tensor LogProbabilities(Tensor gray)
        {
            Calls++;
            return inner.LogProbabilities(gray);
        }

        public Tensor LipschitzOutput(Tensor gray, LipschitzOutputKind kind)
        {
            Calls++;
            return inner.LipschitzOutput(gray, kind);
        }
    }

    /// <summary>
    /// The same linear net every call, with weights from a private System.Random: torch's global generator is shared
    /// with tests running in parallel, so seeding it here would not fix the weights (it failed that way in CI).
    /// </summary>
    private static NetTarget SeededLinear()
    {
        var random = new Random(7);
        var linear = nn.Linear(16, 2);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(Enumerable.Range(0, 32).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), new long[] { 2, 16 }));
            linear.bias!.copy_(tensor(new[] { 0.1f, -0.1f }));
        }

        var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", linear));
        return new NetTarget("linear", model, 0.5f, 0.25f, 1, 0.5);
    }

    private static RobustnessData Data(int count = 10)
    {
        var random = new Random(3);
        var planes = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => i % 2 == 0).ToArray();
        return RobustnessData.FromPlanes(new InputContract { Size = 4, Channels = 1 }, planes.Select((_, i) => $"img{i}.png").ToArray(), labels, planes);
    }

    private static RobustnessOptions Options() => new()
    {
        Epsilons = [2 / 255.0, 8 / 255.0],
        Pgd = new PgdOptions { Steps = 3 },
        Lipschitz = new LipschitzOptions { Steps = 3 },
        BatchSize = 3,
        Threads = 1,
        Seed = 5,
        BootstrapReplicates = 100,
    };

    private string JournalPath => Path.Combine(directory, AttackJournal.FileName);

    private static string Fingerprint(RobustnessData data, RobustnessOptions options, string name = "linear") =>
        AttackJournal.FingerprintOf(name, data.Files, options, ["logits", "probabilities"]);

    [Fact]
    public void AResumedRunReusesFinishedBatchesAndEqualsAnUninterruptedRun()
    {
        var data = Data();
        var options = Options();
        var full = RobustnessEvaluator.Run(SeededLinear(), data, options, journal: AttackJournal.Open(JournalPath, Fingerprint(data, options)));
        string[] lines = File.ReadAllLines(JournalPath);
        Assert.Equal(2 * 4, lines.Length); // 2 eps x 4 batches (10 images in batches of 3)

        // The process "died" after five batches, in the middle of writing the sixth.
        File.WriteAllLines(JournalPath, lines.Take(5).Append(lines[5][..(lines[5].Length / 2)]));
        var journal = AttackJournal.Open(JournalPath, Fingerprint(data, options));
        Assert.Equal(5, journal.ResumedBatches);
        var counting = new CountingTarget(SeededLinear());
        var resumed = RobustnessEvaluator.Run(counting, data, options, journal: journal);

        var uninterruptedCalls = new CountingTarget(SeededLinear());
        RobustnessEvaluator.Run(uninterruptedCalls, data, options);
        Assert.InRange(counting.Calls, 1, uninterruptedCalls.Calls - 1);
        Assert.Equal(full.Attacks, resumed.Attacks);
        Assert.Equal(full.Lipschitz.Select(l => l.Mean), resumed.Lipschitz.Select(l => l.Mean));
        Assert.Equal(full.PerImage!.ByEpsilon.SelectMany(p => p.PgdWorstTbProbability), resumed.PerImage!.ByEpsilon.SelectMany(p => p.PgdWorstTbProbability));
    }

    [Fact]
    public void ABatchsResultDoesNotDependOnTheBatchesAfterItOrOnTheRunLength()
    {
        var options = Options();
        var ten = RobustnessEvaluator.Run(SeededLinear(), Data(10), options);
        var six = RobustnessEvaluator.Run(SeededLinear(), Data(6), options);
        // The first six images are the same two batches in both runs, attacked with the same per-(eps, batch) seeds.
        for (int e = 0; e < options.Epsilons.Count; e++)
        {
            Assert.Equal(ten.PerImage!.ByEpsilon[e].PgdWorstTbProbability.Take(6), six.PerImage!.ByEpsilon[e].PgdWorstTbProbability);
            Assert.Equal(ten.PerImage!.ByEpsilon[e].Lipschitz["logits"].Take(6), six.PerImage!.ByEpsilon[e].Lipschitz["logits"]);
        }

        // ...and the random start really is random: another seed moves the PGD iterates.
        var reseeded = RobustnessEvaluator.Run(SeededLinear(), Data(6), options with { Seed = 9 });
        Assert.NotEqual(six.PerImage!.ByEpsilon[1].Lipschitz["logits"], reseeded.PerImage!.ByEpsilon[1].Lipschitz["logits"]);
    }

    [Fact]
    public void RecordsOfAnotherConfigurationAreIgnored()
    {
        var data = Data();
        var options = Options();
        RobustnessEvaluator.Run(SeededLinear(), data, options, journal: AttackJournal.Open(JournalPath, Fingerprint(data, options)));

        Assert.Equal(8, AttackJournal.Open(JournalPath, Fingerprint(data, options)).ResumedBatches);
        Assert.Equal(0, AttackJournal.Open(JournalPath, Fingerprint(data, options with { Seed = 6 })).ResumedBatches);
        Assert.Equal(0, AttackJournal.Open(JournalPath, Fingerprint(data, options with { Pgd = new PgdOptions { Steps = 4 } })).ResumedBatches);
        Assert.Equal(0, AttackJournal.Open(JournalPath, Fingerprint(data, options, name: "other-checkpoint")).ResumedBatches);
        Assert.Equal(0, AttackJournal.Open(JournalPath, AttackJournal.FingerprintOf("linear", data.Files.Reverse(), options, ["logits", "probabilities"])).ResumedBatches);
    }

    [Fact]
    public void CompleteRemovesTheJournal()
    {
        var journal = AttackJournal.Open(JournalPath, "abc");
        journal.Add(new AttackBatchRecord("abc", 0, 0, [true], [true], [0.2], new Dictionary<string, IReadOnlyList<double>> { ["logits"] = [1.0] }));
        Assert.True(File.Exists(JournalPath));
        Assert.Throws<ArgumentException>(() => journal.Add(new AttackBatchRecord("other", 0, 1, [true], [true], [0.2], new Dictionary<string, IReadOnlyList<double>>())));
        journal.Complete();
        Assert.False(File.Exists(JournalPath));
    }
}
