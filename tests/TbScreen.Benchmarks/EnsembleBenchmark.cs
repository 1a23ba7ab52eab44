using System.Globalization;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Inference;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;

/// <summary>
/// What each shipped ensemble definition costs per image on the full screening path (decoded radiograph in, decision
/// and heatmap out: preprocessing, the lung check, every member and view): the default pair, ensemble-3.json with its
/// test-time views, and the same three members without them. Interleaved, so the ratios share the machine's noise.
/// </summary>
internal static class EnsembleBenchmark
{
    public static int Run(string modelsDirectory, string sample, int threads, int runs)
    {
        string plainThree = WithoutViews(modelsDirectory, "ensemble-3.json");
        var options = new InferenceOptions { IntraOpThreads = threads };
        var configurations = new (string Name, TbEnsemble Ensemble)[]
        {
            ("ensemble.json (AlexNet + GoogLeNet)", TbEnsemble.Load(modelsDirectory, options)),
            ("ensemble-3.json members, image alone", TbEnsemble.Load(plainThree, options, ensembleFile: "ensemble-3.json")),
            ("ensemble-3.json as shipped (9 views per member)", TbEnsemble.Load(modelsDirectory, options, ensembleFile: "ensemble-3.json")),
        };
        try
        {
            var radiograph = RadiographFiles.Load(sample);
            var screeners = configurations.Select(c => new RadiographScreener(c.Ensemble)).ToArray();
            foreach (var screener in screeners)
            {
                screener.Screen(radiograph); // warm-up: session initialisation and first-run allocations
            }

            var times = screeners.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < runs; r++)
            {
                for (int c = 0; c < screeners.Length; c++)
                {
                    times[c].Add(Timing.Milliseconds(() => screeners[c].Screen(radiograph)));
                }
            }

            Console.WriteLine($"sample {Path.GetFileName(sample)}, {runs} interleaved runs, {threads} ONNX Runtime intra-op thread(s)");
            Console.WriteLine("| definition | p50 ms | p95 ms | p50 vs the default |");
            Console.WriteLine("|---|---:|---:|---:|");
            double baseline = Timing.Quantile(times[0], 0.5);
            for (int c = 0; c < screeners.Length; c++)
            {
                double p50 = Timing.Quantile(times[c], 0.5);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {configurations[c].Name} | {p50:F1} | {Timing.Quantile(times[c], 0.95):F1} | {p50 / baseline:F2}x |"));
            }

            return 0;
        }
        finally
        {
            foreach (var (_, ensemble) in configurations)
            {
                ensemble.Dispose();
            }

            Directory.Delete(plainThree, recursive: true);
        }
    }

    /// <summary>A temporary models folder: links to the bundles and the definition without its test-time views.</summary>
    private static string WithoutViews(string modelsDirectory, string file)
    {
        var definition = EnsembleDefinition.Load(modelsDirectory, file) with { TestTimeAugmentation = null };
        string folder = Directory.CreateTempSubdirectory("tbscreen-bench-ensembles").FullName;
        foreach (string bundle in definition.Members.Select(m => m.Bundle).Append(definition.Lungs).OfType<string>())
        {
            Directory.CreateSymbolicLink(Path.Combine(folder, bundle), Path.GetFullPath(Path.Combine(modelsDirectory, bundle)));
        }

        File.WriteAllText(Path.Combine(folder, file), JsonSerializer.Serialize(definition, BundleJson.Options));
        return folder;
    }
}
