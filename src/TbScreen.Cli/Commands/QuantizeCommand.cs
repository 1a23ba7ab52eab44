using System.CommandLine;
using System.Globalization;
using TbScreen.Inference.Bundles;
using TbScreen.Onnx.Quantization;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Quantization;
using TbScreen.Training.Splits;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen quantize --model models/NAME --data MANIFEST [--split-file FILE] [--calibration N]
/// [--method minmax|percentile|entropy] [--activations u8|s8] [--reduce-range] --out models/NAME-int8`: static INT8 quantisation of a
/// float32 bundle (docs/quantization.md). Calibrates on training-split images only, sweeps per-layer sensitivity on
/// validation, re-selects the thresholds on validation, and writes the INT8 bundle.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new QuantizationOptions();
        var model = new Option<string>("--model") { Description = "The float32 bundle folder (model.onnx + metadata.json).", Required = true };
        var data = new Option<string>("--data") { Description = "The manifest the bundle was trained on.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The INT8 bundle folder to write, e.g. models/googlenet-int8.", Required = true };
        var splitFile = new Option<string?>("--split-file") { Description = "Split file (split,file); default split.csv beside the bundle folder (models/split.csv)." };
        var count = new Option<int>("--calibration") { Description = "Calibration images, drawn from the training split.", DefaultValueFactory = _ => defaults.CalibrationCount };
        var method = new Option<string>("--method") { Description = "Activation ranges: minmax, percentile (99.99) or entropy (KL).", DefaultValueFactory = _ => "percentile" };
        var activations = new Option<string>("--activations") { Description = "u8 (U8S8: uint8 activations, int8 weights) or s8 (S8S8).", DefaultValueFactory = _ => "u8" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile for --method percentile.", DefaultValueFactory = _ => defaults.Percentile };
        var tolerance = new Option<double>("--tolerance") { Description = "Sweep target: mean |p(INT8) - p(FP32)| on validation.", DefaultValueFactory = _ => defaults.Tolerance };
        var maxFloat = new Option<int>("--max-float-layers") { Description = "Most layers the sweep may keep in float32.", DefaultValueFactory = _ => defaults.MaxFloatLayers };
        var floatLayers = new Option<string?>("--float-layers") { Description = "Skip the sweep: comma list of node names to keep in float32 (\"\" for none)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the calibration draw.", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op and preprocessing threads.", DefaultValueFactory = _ => defaults.Threads };
        var reduceRange = new Option<bool>("--reduce-range") { Description = "Weights in [-64, 64]: exact U8S8 on CPUs without VNNI (AVX2), at one bit of weight precision." };
        var name = new Option<string?>("--name") { Description = "Bundle name (default: the --out folder's name)." };
        var checkImages = new Option<int>("--check-images") { Description = "Source trained on train + validation (thresholds from out-of-fold predictions): training images outside the calibration set that the sweep measures on; the thresholds stay the source's.", DefaultValueFactory = _ => defaults.CheckCount };
        var command = new Command("quantize", "Static INT8 quantisation (QDQ) of a float32 bundle, calibrated on training images.")
        {
            model, data, output, splitFile, count, method, activations, percentile, tolerance, maxFloat, floatLayers, seed, threads, name, reduceRange, checkImages,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string bundleDir = result.GetValue(model)!;
            try
            {
                var options = defaults with
                {
                    Method = ParseMethod(result.GetValue(method)!),
                    Activations = ParseActivations(result.GetValue(activations)!),
                    ReduceRange = result.GetValue(reduceRange),
                    CalibrationCount = result.GetValue(count),
                    CheckCount = result.GetValue(checkImages),
                    Percentile = result.GetValue(percentile),
                    Tolerance = result.GetValue(tolerance),
                    MaxFloatLayers = result.GetValue(maxFloat),
                    FloatLayers = result.GetValue(floatLayers) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
                    Seed = result.GetValue(seed),
                    Threads = result.GetValue(threads),
                };
                options.Validate();
                var source = ModelBundle.Load(bundleDir);
                if (source.Metadata.Quantization is not null) throw new ModelBundleException(bundleDir, "is already quantised; quantise its float32 source bundle");
                string manifest = InputFiles.RequireData(result.GetValue(data)!);
                string split = result.GetValue(splitFile) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bundleDir))!, DatasetSplit.DefaultFileName);
                if (!File.Exists(split)) throw new DatasetException("split file not found; pass --split-file (the split the bundle was trained with)", split);
                string outDir = result.GetValue(output)!;
                string bundleName = result.GetValue(name) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir)));

                var datasetSplit = DatasetSplit.LoadOrCreate(manifest, split, new SplitOptions(), writeTo: null);
                stdout.WriteLine($"{source.Name}: static INT8 ({QuantizedBundle.MethodName(options.Method)}, {result.GetValue(activations)}s8) -> {outDir}");
                var run = new QuantizationRun(source, datasetSplit, options, stdout.WriteLine).Run();
                var written = QuantizedBundle.Write(outDir, source, run, options, bundleName);
                // Every AUC the bundle records (each source that holds both classes, then the pooled one), so a source of
                // three images never stands alone as the headline.
                string aucs = string.Join(", ", written.Metrics.Where(m => m.Name == "auc").Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Split} {m.Value:F4}")));
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {outDir}: float32 layers [{string.Join(", ", run.FloatLayers)}], AUC {aucs}{(run.ThresholdsFromSource ? " (float32 source)" : "")}, operating threshold {written.Thresholds!.OperatingValue:F4}, {new FileInfo(Path.Combine(outDir, ModelBundle.OnnxFileName)).Length / 1e6:F1} MB"));
                stdout.WriteLine("Research use only, not a medical device.");
                return ExitCodes.Success;
            }
            catch (QuantizationException e)
            {
                stderr.WriteLine($"tbscreen: {bundleDir}: {e.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (IOException e)
            {
                throw new OutputException($"quantize failed: {e.Message}", e);
            }
        }));
        return command;
    }

    private static CalibrationMethod ParseMethod(string value) => value.Trim().ToLowerInvariant() switch
    {
        "minmax" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        "entropy" => CalibrationMethod.Entropy,
        _ => throw new ArgumentException($"--method '{value}' is not one of minmax, percentile, entropy"),
    };

    private static ActivationType ParseActivations(string value) => value.Trim().ToLowerInvariant() switch
    {
        "u8" or "uint8" => ActivationType.UInt8,
        "s8" or "int8" => ActivationType.Int8,
        _ => throw new ArgumentException($"--activations '{value}' is not u8 or s8"),
    };
}
