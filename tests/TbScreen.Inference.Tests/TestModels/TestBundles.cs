using System.Text.Json;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;

namespace TbScreen.Inference.Tests.TestModels;

/// <summary>Writes small but complete model bundles and ensemble.json into a temporary models/ folder.</summary>
internal static class TestBundles
{
    /// <summary>TB logit rises with brightness: brighter images score higher.</summary>
    public static readonly float[][] BrightIsTb = [[-1f, -1f, -1f], [1f, 1f, 1f]];

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-inference-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static ModelMetadata Metadata(string name, bool withCam, double threshold = 0.5, bool withFeatures = false) => new()
    {
        SchemaVersion = ModelMetadata.CurrentSchemaVersion,
        Name = name,
        Version = "0.0.1-test",
        Architecture = name,
        Input = new InputContract { Size = TinyOnnxModel.Size },
        Onnx = new OnnxTensorNames { Cam = withCam ? "cam" : null, Features = withFeatures ? TinyOnnxModel.EmbeddingOutput : null },
        Labels = ["non-tb", "tb"],
        PositiveIndex = 1,
        Thresholds = new ModelThresholds { Youden = threshold, Sensitivity90 = threshold / 2, Operating = ModelThresholds.YoudenName },
        Training = new TrainingDataSummary { Dataset = "synthetic test", TrainCount = 1, ValidationCount = 1, Notes = "test only" },
        Metrics = [new ReportedMetric { Name = "auc", Split = "validation", Value = 0.5, Ci = [0.4, 0.6], CiMethod = "delong" }],
    };

    public static string WriteBundle(string modelsDir, string name, bool withCam, float[][]? weights = null, float[]? bias = null, double threshold = 0.5, bool withFeatures = false)
    {
        string dir = Path.Combine(modelsDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, ModelBundle.OnnxFileName), TinyOnnxModel.Build(weights ?? BrightIsTb, bias ?? [0f, 0f], withCam, withFeatures: withFeatures));
        ModelBundle.WriteMetadata(dir, Metadata(name, withCam, threshold, withFeatures));
        File.WriteAllText(Path.Combine(dir, ModelBundle.ModelCardFileName), "# Test model\nResearch use only.\n");
        return dir;
    }

    /// <summary>models/ with "alexnet" (no CAM) and "googlenet" (CAM) that differ in weights, plus ensemble.json.</summary>
    public static string WriteEnsemble(double band = 0.05, string? dir = null, bool withFeatures = false)
    {
        string models = dir ?? TempDirectory();
        WriteBundle(models, "alexnet", withCam: false, weights: [[-1f, -1f, -1f], [1f, 1f, 1f]], bias: [0f, 0.2f], withFeatures: withFeatures);
        WriteBundle(models, "googlenet", withCam: true, weights: [[-0.5f, -0.5f, -0.5f], [0.5f, 0.5f, 0.5f]], bias: [0.1f, 0f], threshold: 0.45, withFeatures: withFeatures);
        WriteEnsembleJson(models, new EnsembleDefinition
        {
            Members = [new EnsembleMember { Bundle = "alexnet" }, new EnsembleMember { Bundle = "googlenet" }],
            Threshold = 0.5,
            UncertaintyBand = band,
            HeatmapMember = "googlenet",
        });
        return models;
    }

    public static void WriteEnsembleJson(string modelsDir, EnsembleDefinition definition) =>
        File.WriteAllText(Path.Combine(modelsDir, EnsembleDefinition.FileName), JsonSerializer.Serialize(definition, BundleJson.Options));
}
