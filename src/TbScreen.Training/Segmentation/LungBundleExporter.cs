using System.Globalization;
using TbScreen.Inference.Bundles;
using TbScreen.Onnx;
using TbScreen.Onnx.Architectures;
using TbScreen.Training.Export;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// Writes a lung checkpoint as a segmentation bundle: model.onnx through our graph builder (BatchNorm folded, fp32)
/// and metadata.json stamped with its hash. Metrics are added afterwards by <see cref="WithEvaluation"/>, since
/// they are measured by running the bundle itself.
/// </summary>
public static class LungBundleExporter
{
    public static SegmentationMetadata Export(string checkpoint, string bundleDirectory, string version, SegmentationSplit split, string datasetDescription)
    {
        ArgumentNullException.ThrowIfNull(split);
        var (model, sidecar) = SegmentationTrainer.Load(checkpoint);
        using (model)
        {
            var options = sidecar.Options;
            Directory.CreateDirectory(bundleDirectory);
            UNetExporter.ExportToFile(Path.Combine(bundleDirectory, ModelBundle.OnnxFileName), StateDictWeights.From(model), new OnnxExportOptions
            {
                InputHeight = options.Contract.Size,
                InputWidth = options.Contract.Size,
                IncludeLogits = false,
                ModelVersion = version,
                DocString = "TbScreen lung-field U-Net. Research use only. Trained on masks under CC BY-NC-SA 4.0 (Stirenko et al. 2018): non-commercial use only.",
            });
            return SegmentationBundle.WriteMetadata(bundleDirectory, new SegmentationMetadata
            {
                SchemaVersion = ModelMetadata.CurrentSchemaVersion,
                Task = SegmentationMetadata.SegmentationTask,
                Name = Path.GetFileName(Path.GetFullPath(bundleDirectory).TrimEnd(Path.DirectorySeparatorChar)),
                Version = version,
                Architecture = $"{UNetExporter.Architecture} (depth {options.Net.Depth}, width {options.Net.BaseWidth})",
                Input = options.Contract,
                Onnx = new OnnxTensorNames { Input = OnnxModelExporter.InputName, Probability = UNetExporter.ProbabilityOutput },
                Threshold = 0.5,
                KeepComponents = 2,
                FillHoles = true,
                Training = new TrainingDataSummary
                {
                    Dataset = datasetDescription,
                    TrainCount = split.Train,
                    ValidationCount = split.Validation,
                    Notes = $"best epoch {sidecar.Epoch} of {options.Epochs} by validation Dice at {options.Contract.Size} px ({sidecar.ValDice:F4}); seed {options.Seed}{SiteAugmentation(options)}. Masks: Stirenko et al. 2018, CC BY-NC-SA 4.0, non-commercial use only.",
                },
                Split = split,
            });
        }
    }

    /// <summary>Adds the measured validation and test Dice to the bundle's metadata (the model file, and so its hash, unchanged).</summary>
    public static SegmentationMetadata WithEvaluation(string bundleDirectory, LungEvaluationResult validation, LungEvaluationResult test, double parityMaxAbsDiff)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(test);
        var metadata = SegmentationBundle.ReadMetadata(bundleDirectory);
        ReportedMetric Mean(string split, DiceDistribution d) => new()
        {
            Name = "dice-mean", Split = split, Value = Math.Round(d.Mean, 4), Ci = d.MeanCi?.Select(v => Math.Round(v, 4)).ToList(),
            CiMethod = $"bootstrap-{LungEvaluation.BootstrapResamples}",
        };
        ReportedMetric Min(string split, DiceDistribution d) => new() { Name = "dice-min", Split = split, Value = Math.Round(d.Min, 4) };
        return SegmentationBundle.WriteMetadata(bundleDirectory, metadata with
        {
            Metrics = [Mean("validation", validation.Dice), Min("validation", validation.Dice), Mean("test", test.Dice), Min("test", test.Dice)],
            TestDice = test.Dice,
            ParityMaxAbsDiff = parityMaxAbsDiff,
        });
    }

    /// <summary>The augmentation against other hospitals' films, as the bundle's notes name it ("" when off).</summary>
    internal static string SiteAugmentation(SegmentationOptions options)
    {
        var parts = new List<string>();
        if (options.FieldOfView.ZoomOut > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"zoom-out {options.FieldOfView.ZoomOut:0.###}"));
        }

        if (options.FieldOfView.Aspect > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"aspect {options.FieldOfView.Aspect:0.###}"));
        }

        if (options.Acquisition.Enabled)
        {
            parts.Add("acquisition-style");
        }

        return parts.Count == 0 ? "" : $"; site augmentation: {string.Join(", ", parts)}";
    }
}
