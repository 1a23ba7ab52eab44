using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Inference;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Runtime;

/// <summary>
/// What the lung checks cost per image: the segmentation alone (the "lungs not found" check), the segmentation with
/// the polarity check (a second run of the U-Net on the film's negative), and the default ensemble's whole screening
/// path, which runs the latter. Interleaved, so the ratios share the machine's noise.
/// </summary>
internal static class LungsBenchmark
{
    public static int Run(string modelsDirectory, string sample, int threads, int runs)
    {
        var options = new InferenceOptions { IntraOpThreads = threads };
        using var segmenter = LungSegmenter.FromModels(modelsDirectory, options: options);
        using var ensemble = TbEnsemble.Load(modelsDirectory, options);
        var screener = new RadiographScreener(ensemble);
        var radiograph = RadiographFiles.Load(sample);
        var steps = new (string Name, Action Run)[]
        {
            ("lung segmentation alone (\"lungs not found\")", () => segmenter.Segment(radiograph)),
            ("lung segmentation + polarity check (\"inverted\")", () => segmenter.Segment(radiograph, checkPolarity: true)),
            ("ensemble.json, whole screening path", () => screener.Screen(radiograph)),
        };
        foreach (var step in steps)
        {
            step.Run(); // warm-up: session initialisation and first-run allocations
        }

        var times = steps.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < runs; r++)
        {
            for (int s = 0; s < steps.Length; s++)
            {
                times[s].Add(Timing.Milliseconds(steps[s].Run));
            }
        }

        Console.WriteLine($"sample {Path.GetFileName(sample)}, {runs} interleaved runs, {threads} ONNX Runtime intra-op thread(s)");
        Console.WriteLine("| step | p50 ms | p95 ms | p50 vs the whole path |");
        Console.WriteLine("|---|---:|---:|---:|");
        double whole = Timing.Quantile(times[^1], 0.5);
        for (int s = 0; s < steps.Length; s++)
        {
            double p50 = Timing.Quantile(times[s], 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {steps[s].Name} | {p50:F1} | {Timing.Quantile(times[s], 0.95):F1} | {p50 / whole:F2}x |"));
        }

        return 0;
    }
}
