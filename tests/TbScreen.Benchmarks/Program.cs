using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;

// Decode throughput of our reader against dcmtk on the same files in the same run, or (with `inference`) model speed.
// Usage: dotnet run -c Release --project tests/TbScreen.Benchmarks -- [--data ../shared/data/dicom] [--runs 7]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- inference [--models models] [--threads 1] [--runs 30]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- ensembles [--models models] [--sample FILE] [--threads 1] [--runs 30]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- batch [--models models] [--count 200] [--runs 3]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- load [--concurrency 4] [--requests 40] [--warmup 2] [--threads 0]
//            (starts the web app itself; or --url http://127.0.0.1:5080 --user U [--password P | env TBSCREEN_LOAD_PASSWORD])
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- pruning [--bundles models/alexnet,models/alexnet-pruned,...] [--threads 1] [--runs 30]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- quantization [--models models] [--threads 1] [--runs 30]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- htj2k [--images 3] [--rows 2500] [--columns 2048] [--runs 7]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- result-search [--rows 256] [--columns 256] [--runs 3]
//        dotnet run -c Release --project tests/TbScreen.Benchmarks -- train-step [--archs resnet18+pretrained,googlenet,alexnet] [--batch 16] [--size 224] [--threads 1] [--steps 6]
if (args.Length > 0 && args[0] == "load")
{
    int concurrency = int.Parse(ArgValue("--concurrency") ?? "4", CultureInfo.InvariantCulture);
    int requests = int.Parse(ArgValue("--requests") ?? "40", CultureInfo.InvariantCulture);
    int warmup = int.Parse(ArgValue("--warmup") ?? "2", CultureInfo.InvariantCulture);
    if (ArgValue("--url") is { } url)
    {
        string? password = ArgValue("--password") ?? Environment.GetEnvironmentVariable("TBSCREEN_LOAD_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("load: with --url, give the user's password with --password or TBSCREEN_LOAD_PASSWORD");
            return 2;
        }

        return await LoadBenchmark.RunAsync(new LoadBenchmark.Options(new Uri(url), ArgValue("--user") ?? "admin", password, concurrency, requests, warmup, "an already running server"));
    }

    int threads = int.Parse(ArgValue("--threads") ?? "0", CultureInfo.InvariantCulture);
    await using var target = await LoadTarget.StartAsync(FindRepositoryRoot(), threads);
    return await LoadBenchmark.RunAsync(new LoadBenchmark.Options(target.BaseUrl, LoadTarget.AdminUser, LoadTarget.AdminPassword, concurrency, requests, warmup,
        $"TbScreen.Web started by the tool (Production, SQLite, shipped models, Screening:Threads={threads}{(threads == 0 ? " = ONNX Runtime's choice" : "")})"));
}

if (args.Length > 0 && args[0] == "train-step")
{
    return TrainStepBenchmark.Run(
        (ArgValue("--archs") ?? "resnet18+pretrained,googlenet,alexnet").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        int.Parse(ArgValue("--batch") ?? "16", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--size") ?? "224", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--steps") ?? "6", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "pruning")
{
    string root = FindRepositoryRoot();
    var bundles = ArgValue("--bundles")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        ?? new[] { "alexnet", "alexnet-pruned", "googlenet", "googlenet-pruned" }.Select(n => Path.Combine(root, "models", n)).Where(Directory.Exists).ToArray();
    return PruningBenchmark.Run(bundles, int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture), int.Parse(ArgValue("--runs") ?? "30", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "quantization")
{
    return QuantizationBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "30", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "int8-kernels")
{
    string root = FindRepositoryRoot();
    return Int8KernelCheck.Run(ArgValue("--models") ?? Path.Combine(root, "models"), ArgValue("--data") ?? Path.Combine(root, "..", "shared", "data", "cxr", "manifest.csv"),
        ArgValue("--split") ?? "test", ArgValue("--split-file") ?? Path.Combine(root, "models", "split.csv"));
}

if (args.Length > 0 && args[0] == "batch")
{
    return BatchBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        Path.Combine(FindRepositoryRoot(), "samples"),
        int.Parse(ArgValue("--count") ?? "200", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "3", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "scale-out")
{
    return ScaleOutBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        int.Parse(ArgValue("--count") ?? "120", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "3", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--rows") ?? "2140", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--columns") ?? "1760", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "htj2k")
{
    return HtJ2kBenchmark.Run(
        int.Parse(ArgValue("--images") ?? "3", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--rows") ?? "2500", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--columns") ?? "2048", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "7", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "result-search")
{
    return await ResultSearchBenchmark.RunAsync(
        int.Parse(ArgValue("--rows") ?? "256", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--columns") ?? "256", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "3", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "receive")
{
    return ReceiveBenchmark.Run(
        int.Parse(ArgValue("--count") ?? "200", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "3", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--rows") ?? "2140", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--columns") ?? "1760", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "ensembles")
{
    return EnsembleBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        ArgValue("--sample") ?? Path.Combine(FindRepositoryRoot(), "samples", "phantom-jpeg2000-mono1.dcm"),
        int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "30", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "lungs")
{
    return LungsBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        ArgValue("--sample") ?? Path.Combine(FindRepositoryRoot(), "samples", "phantom-jpeg2000-mono1.dcm"),
        int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "30", CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "inference")
{
    return InferenceBenchmark.Run(
        ArgValue("--models") ?? Path.Combine(FindRepositoryRoot(), "models"),
        ArgValue("--sample") ?? Path.Combine(FindRepositoryRoot(), "samples", "phantom-jpeg2000-mono1.dcm"),
        int.Parse(ArgValue("--threads") ?? "1", CultureInfo.InvariantCulture),
        int.Parse(ArgValue("--runs") ?? "30", CultureInfo.InvariantCulture));
}

string data = ArgValue("--data") ?? Path.Combine(FindRepositoryRoot(), "..", "shared", "data", "dicom");
int runs = int.Parse(ArgValue("--runs") ?? "7", CultureInfo.InvariantCulture);
string tbscreenDll = Path.Combine(AppContext.BaseDirectory, "tbscreen.dll");
string work = Directory.CreateTempSubdirectory("tbscreen-bench").FullName;

Console.WriteLine($"# Decode benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, CPU: {CpuModel()}");
Console.WriteLine($"reference tools: {FirstLine("dcmdjpeg", "--version").Trim('$', ' ')}; runs per measurement: {runs} (median), ours and dcmtk alternating");
Console.WriteLine();
Console.WriteLine("| file | transfer syntax | frames | MB decoded | ours in-process ms (all frames) | ours CLI ms (`convert --stored`, frame 1) | dcmtk tool ms (all frames) | dcmtk / ours in-process | dcmtk / ours CLI |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");

var reader = new DicomReader();
double totalOurs = 0, totalDcmtk = 0, totalInProcess = 0, totalDcmtkAll = 0;
foreach (string path in Directory.GetFiles(data, "*.dcm").Order(StringComparer.Ordinal))
{
    var file = reader.Read(path);
    var pixels = PixelDescription.FromDataset(file.Dataset);
    double megabytes = pixels.SamplesPerFrame * pixels.NumberOfFrames * Math.Max(1, pixels.BitsAllocated / 8) / 1e6;

    // In process: parse + decode every frame (dcmtk decompresses every frame too).
    double inProcess = Median(runs, () =>
    {
        var f = reader.Read(path);
        for (int i = 0; i < pixels.NumberOfFrames; i++)
        {
            PixelDataDecoder.Default.DecodeStoredFrame(f, i);
        }
    });

    var dcmtk = DcmtkCommand(file.TransferSyntax, path, Path.Combine(work, "dcmtk.dcm"));
    var oursCli = new List<double>();
    var dcmtkTimes = new List<double>();
    for (int r = 0; r < runs; r++)
    {
        oursCli.Add(TimeProcess("dotnet", [tbscreenDll, "convert", path, "--stored", "--out", Path.Combine(work, "ours.raw")]));
        if (dcmtk is not null)
        {
            dcmtkTimes.Add(TimeProcess(dcmtk.Value.Tool, dcmtk.Value.Args));
        }
    }

    double ours = MedianOf(oursCli);
    string dcmtkCell = dcmtk is null ? "n/a (dcmtk 3.6.7 has no JPEG 2000)" : $"{MedianOf(dcmtkTimes):F0} (`{dcmtk.Value.Tool}`)";
    // The CLI writes frame 1 only, dcmtk every frame: compare processes only for single-frame files.
    bool comparableCli = dcmtk is not null && pixels.NumberOfFrames == 1;
    string cliRatio = comparableCli ? (MedianOf(dcmtkTimes) / ours).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
    string inProcessRatio = dcmtk is null ? "n/a" : (MedianOf(dcmtkTimes) / inProcess).ToString("F2", CultureInfo.InvariantCulture);
    if (dcmtk is not null)
    {
        totalInProcess += inProcess;
        totalDcmtkAll += MedianOf(dcmtkTimes);
    }

    if (comparableCli)
    {
        totalOurs += ours;
        totalDcmtk += MedianOf(dcmtkTimes);
    }

    Console.WriteLine($"| {Path.GetFileName(path)} | {file.TransferSyntax.Name} | {pixels.NumberOfFrames} | {megabytes:F1} | {inProcess:F1} | {ours:F0} | {dcmtkCell} | {inProcessRatio} | {cliRatio} |");
}

Console.WriteLine();
Console.WriteLine($"Decoder (files dcmtk can decode): dcmtk tools {totalDcmtkAll:F0} ms, ours in-process {totalInProcess:F0} ms, ratio dcmtk/ours = {totalDcmtkAll / totalInProcess:F2}.");
Console.WriteLine($"Whole process (single-frame files): dcmtk tools {totalDcmtk:F0} ms, `tbscreen convert --stored` {totalOurs:F0} ms, ratio dcmtk/ours = {totalDcmtk / totalOurs:F2}.");
Console.WriteLine("Ratios above 1 mean we are faster. dcmtk times include its process start and writing the output file; ours in-process do not, and ours CLI include the .NET runtime start.");
Directory.Delete(work, recursive: true);
return 0;

static (string Tool, string[] Args)? DcmtkCommand(TransferSyntax syntax, string input, string output) => syntax.Uid switch
{
    TransferSyntax.Jpeg2000LosslessUid or TransferSyntax.Jpeg2000Uid => null,
    TransferSyntax.RleLosslessUid => ("dcmdrle", [input, output]),
    TransferSyntax.JpegLsLosslessUid or TransferSyntax.JpegLsNearLosslessUid => ("dcmdjpls", [input, output]),
    _ when syntax.Encapsulated => ("dcmdjpeg", [input, output]),
    _ => ("dcmconv", ["+te", input, output]),
};

static double TimeProcess(string tool, string[] args)
{
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })
                        ?? throw new InvalidOperationException("cannot start " + tool);
    process.StandardOutput.ReadToEnd();
    string err = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {err}");
    }

    return clock.Elapsed.TotalMilliseconds;
}

static double Median(int runs, Action action)
{
    action(); // warm-up: JIT and native library loading are not decode time
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        action();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    return MedianOf(times);
}

static double MedianOf(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string FirstLine(string tool, string arg)
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo(tool, arg) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "?";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        throw new InvalidOperationException($"{tool} not found: apt-get install dcmtk");
    }
}

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?"
        : "?";

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
