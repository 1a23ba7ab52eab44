using System.Diagnostics;
using System.Runtime.InteropServices;
using TbScreen.Training.Models;
using TbScreen.Training.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// One TorchSharp training step (forward, cross-entropy, backward, SGD step) per architecture on seeded random batches,
/// and the ResNet-18 teacher's feature forward: what a distillation or fine-tuning epoch costs per batch (docs/pretrained.md).
/// </summary>
internal static class TrainStepBenchmark
{
    public static int Run(IReadOnlyList<string> architectures, int batch, int size, int threads, int steps)
    {
        torch.set_num_threads(threads);
        Console.WriteLine($"# Training step benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; batch {batch}, {size} px, {threads} torch thread(s), median of {steps} after 2 warm-ups");
        Console.WriteLine();
        Console.WriteLine("| what | median ms/batch | fastest | slowest |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (string arch in architectures)
        {
            bool pretrained = arch.EndsWith("+pretrained", StringComparison.Ordinal);
            using var model = ModelFactory.Create(arch.Replace("+pretrained", "", StringComparison.Ordinal), new ModelOptions { Pretrained = pretrained });
            model.train();
            using var optimizer = optim.SGD(model.parameters(), 0.001, momentum: 0.9, weight_decay: 5e-4);
            Report($"{arch} training step", Time(steps, batch, size, seed: 7, (x, y) =>
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
            }));
        }

        using var teacher = new ResNet18Teacher();
        Report("ResNet18Teacher.Features (no grad)", Time(steps, batch, size, seed: 8, (x, _) => teacher.Features(x)));
        return 0;
    }

    private static List<double> Time(int steps, int batch, int size, int seed, Action<Tensor, Tensor> step)
    {
        using var generator = new Generator((ulong)seed);
        var times = new List<double>();
        for (int i = 0; i < steps + 2; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn(batch, 3, size, size, generator: generator);
            var y = randint(0, 2, [batch], generator: generator);
            var clock = Stopwatch.StartNew();
            step(x, y);
            if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    private static void Report(string what, List<double> times) =>
        Console.WriteLine($"| {what} | {times[times.Count / 2]:F0} | {times[0]:F0} | {times[^1]:F0} |");
}
