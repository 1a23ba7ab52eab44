using System.Diagnostics;
using System.Globalization;
using TbScreen.Cli;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Runtime;

/// <summary>
/// Images/s of `tbscreen screen` over a folder of N DICOM files (copies of samples/, every transfer syntax), with
/// --jobs 1 and 2, with and without the job database, against the bare ensemble (tensors in, decision out, one
/// intra-op thread: what each batch worker gets) measured in the same run.
/// </summary>
internal static class BatchBenchmark
{
    public static int Run(string modelsDirectory, string samplesDirectory, int count, int runs)
    {
        string work = Directory.CreateTempSubdirectory("tbscreen-batch-bench").FullName;
        string folder = Path.Combine(work, "dicom");
        Directory.CreateDirectory(folder);
        var samples = Directory.GetFiles(samplesDirectory, "*.dcm").Order(StringComparer.Ordinal).ToArray();
        for (int i = 0; i < count; i++)
        {
            File.Copy(samples[i % samples.Length], Path.Combine(folder, $"img-{i:0000}.dcm"));
        }

        Console.WriteLine($"# Batch benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {count} DICOM files (copies of the {samples.Length} samples), median of {runs} runs");
        Console.WriteLine();
        double bare = BareEnsembleImagesPerSecond(modelsDirectory, samples[0], iterations: 50);
        Console.WriteLine("| what | jobs | images/s | seconds for the folder | ratio to bare ensemble |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare ensemble (tensors in, decision out, 1 thread) | - | {bare:F1} | - | 1.00 |"));

        // Warm-up: JIT, native libraries and EF Core's model building are start-up costs, not throughput.
        Screen(modelsDirectory, folder, work, jobs: 1, withDatabase: true, limit: 10);
        foreach (int jobs in new[] { 1, 2 })
        {
            foreach (bool withDatabase in new[] { false, true })
            {
                var seconds = Enumerable.Range(0, runs).Select(_ => Screen(modelsDirectory, folder, work, jobs, withDatabase, limit: null)).Order().ToList();
                double median = seconds[seconds.Count / 2];
                double rate = count / median;
                string what = withDatabase ? "`screen DIR --out results.csv` (streamed CSV + SQLite job store)" : "`screen DIR` (stdout lines, no job store)";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {jobs} | {rate:F1} | {median:F2} | {rate / bare:F2} |"));
            }
        }

        Directory.Delete(work, recursive: true);
        return 0;
    }

    /// <summary>One whole `tbscreen screen` invocation in process (model load and job set-up included); seconds.</summary>
    private static double Screen(string models, string folder, string work, int jobs, bool withDatabase, int? limit)
    {
        string[] inputs = limit is { } n ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(n).ToArray() : [folder];
        // A fresh output folder each time: its tbscreen.db starts empty, so every run screens every file.
        string outDir = Path.Combine(work, Guid.NewGuid().ToString("N"));
        string[] output = withDatabase ? ["--out", Path.Combine(outDir, "results.csv")] : [];
        var clock = Stopwatch.StartNew();
        int code = TbScreenCli.Run([.. inputs.Prepend("screen"), .. output, "--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--models", models], TextWriter.Null, TextWriter.Null);
        double seconds = clock.Elapsed.TotalSeconds;
        if (code != 0)
        {
            throw new InvalidOperationException($"tbscreen screen exited {code}");
        }

        return seconds;
    }

    /// <summary>As InferenceBenchmark's bare row: prepared tensors through every member and the decision, p50.</summary>
    private static double BareEnsembleImagesPerSecond(string models, string sample, int iterations)
    {
        using var ensemble = TbEnsemble.Load(models, new InferenceOptions { IntraOpThreads = 1 });
        var radiograph = RadiographFiles.Load(sample);
        var prepared = ensemble.Members.Select(m => RadiographPipeline.ToTensor(radiograph, m.Contract)).ToList();
        void Once()
        {
            var probabilities = ensemble.Members.Select((m, i) => m.PredictOne(prepared[i]).TbProbability).ToList();
            ensemble.Policy.Decide(ensemble.Scores(probabilities));
        }

        for (int i = 0; i < 3; i++)
        {
            Once();
        }

        var times = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            Once();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return 1000 / times[times.Count / 2];
    }
}
