using Onnx;
using TbScreen.Inference.Bundles;
using TbScreen.Onnx.Quantization;
using TbScreen.Training.Quantization;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// The shipped INT8 bundles: their recipe (float32 source + quantization.json) rebuilds exactly the model.onnx their
/// metadata names, and ONNX Runtime runs that model with fused integer convolutions.
/// </summary>
public class ShippedInt8BundleTests
{
    private static string Models
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln"))) return Path.Combine(dir.FullName, "models");
            }

            throw new InvalidOperationException("TbScreen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void GoogLeNet_int8_rebuilds_to_its_recorded_hash_and_fuses_every_quantised_conv()
    {
        string dir = Path.Combine(Models, "googlenet-int8");
        var metadata = ModelBundle.ReadMetadata(dir);
        var q = metadata.Quantization!;

        byte[] model = QuantizedBundle.Rebuild(dir, write: false); // throws unless the SHA-256 matches metadata.json

        int convs = QdqQuantizer.QuantizableLayers(File.ReadAllBytes(Path.Combine(Models, "googlenet", ModelBundle.OnnxFileName))).Count(l => l.EndsWith("/Conv", StringComparison.Ordinal));
        int floatConvs = q.FloatLayers.Count(l => l.EndsWith("/Conv", StringComparison.Ordinal));
        var ops = QuantizationTests.OptimizedOps(model);
        Assert.Equal(convs - floatConvs, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal("train", q.CalibrationSplit);
        string fp32 = Path.Combine(Models, "googlenet", ModelBundle.OnnxFileName);
        Assert.Contains(QdqQuantizer.ProducerOf(File.ReadAllBytes(fp32), OnnxModelExporter.CamOutput), q.FloatLayers); // the heatmap's conv stays float32
        Assert.Contains(ModelProto.Parser.ParseFrom(model).Graph.Output, o => o.Name == OnnxModelExporter.CamOutput);
    }

    /// <summary>
    /// With <c>QdqArithmetic</c> the shipped full-range AlexNet INT8 computes bit for bit what its QDQ graph defines
    /// (the graph runner with optimisations off), whatever this CPU's integer kernels do, and warns of no saturation.
    /// </summary>
    [Fact]
    public void In_qdq_arithmetic_an_int8_bundle_computes_its_graph_on_any_cpu_without_a_saturation_warning()
    {
        var bundle = ModelBundle.Load(Path.Combine(Models, "alexnet-int8")); // rebuilds model.onnx from its recipe if absent
        using var classifier = new TbScreen.Inference.Runtime.OnnxClassifier(bundle, new TbScreen.Inference.Runtime.InferenceOptions { IntraOpThreads = 1, QdqArithmetic = true });
        var rng = new Random(7);
        float[] tensor = [.. Enumerable.Range(0, classifier.TensorLength).Select(_ => (float)(rng.NextDouble() * 4 - 2))];

        float[] probabilities = classifier.PredictOne(tensor).Probabilities;
        float[] graph;
        using (var runner = new TbScreen.Inference.Runtime.OnnxGraphRunner(File.ReadAllBytes(bundle.OnnxPath), 1, qdqArithmetic: true))
        {
            var c = bundle.Metadata.Input!;
            graph = runner.Run(tensor, [1, c.Channels, c.Size, c.Size], bundle.Metadata.Onnx.Probability)[bundle.Metadata.Onnx.Probability];
        }

        Assert.Equal(graph, probabilities);
        Assert.Null(classifier.Int8Warning);
    }

    /// <summary>Loading is enough to use an INT8 bundle on a fresh checkout: no `quantize-rebuild` step (issue 18).</summary>
    [Fact]
    public void Loading_an_int8_bundle_without_its_model_rebuilds_it_and_edited_ranges_are_refused_by_name()
    {
        WithRecipeCopy("tbscreen-int8-load-", bundle =>
        {
            var loaded = ModelBundle.Load(bundle);

            Assert.True(File.Exists(loaded.OnnxPath));
            Assert.Equal(loaded.Metadata.OnnxSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(loaded.OnnxPath))));
            Assert.Empty(Directory.GetFiles(bundle, "*.partial"));

            File.Delete(loaded.OnnxPath);
            string report = Path.Combine(bundle, QuantizedBundle.ReportFileName);
            File.WriteAllText(report, File.ReadAllText(report).Replace("\"ranges\"", "\"rangez\"", StringComparison.Ordinal));
            var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(bundle));
            Assert.Contains("cannot be rebuilt", e.Message);
            Assert.Contains(QuantizedBundle.ReportFileName, e.Message);
            Assert.Contains("tbscreen quantize-rebuild", e.Message);
        });
    }

    /// <summary>
    /// Regression: a checkout updated to new bundles kept the old, git-ignored INT8 model.onnx, and loading refused it.
    /// A stale INT8 model is rebuilt from the recipe; one the recipe cannot reproduce is still refused.
    /// </summary>
    [Fact]
    public void A_stale_int8_model_is_rebuilt_from_its_recipe_and_an_unrebuildable_one_is_still_refused()
    {
        WithRecipeCopy("tbscreen-int8-stale-", bundle =>
        {
            string onnx = Path.Combine(bundle, ModelBundle.OnnxFileName);
            File.WriteAllBytes(onnx, [1, 2, 3]);

            var loaded = ModelBundle.Load(bundle);

            Assert.Equal(loaded.Metadata.OnnxSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(onnx))));
            Assert.Empty(Directory.GetFiles(bundle, "*.partial"));

            File.WriteAllBytes(onnx, [1, 2, 3]);
            string report = Path.Combine(bundle, QuantizedBundle.ReportFileName);
            File.WriteAllText(report, File.ReadAllText(report).Replace("\"ranges\"", "\"rangez\"", StringComparison.Ordinal));
            Assert.Throws<ModelHashMismatchException>(() => ModelBundle.Load(bundle));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(onnx));
        });
    }

    /// <summary>Runs <paramref name="test"/> on a throwaway copy of googlenet-int8's recipe (<see cref="CopyRecipe"/>).</summary>
    private static void WithRecipeCopy(string prefix, Action<string> test)
    {
        string dir = Directory.CreateTempSubdirectory(prefix).FullName;
        try
        {
            test(CopyRecipe(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>googlenet-int8's recipe (metadata.json, quantization.json, ood.json) beside a copy of its float32 source.</summary>
    private static string CopyRecipe(string dir)
    {
        string bundle = Path.Combine(dir, "googlenet-int8");
        Directory.CreateDirectory(bundle);
        Copy(Path.Combine(Models, "googlenet-int8"), bundle, "metadata.json", QuantizedBundle.ReportFileName);
        Copy(Path.Combine(Models, "googlenet"), Path.Combine(dir, "googlenet"), "metadata.json", ModelBundle.OnnxFileName);
        return bundle;
    }

    /// <summary>Copies the named files, and the bundle's ood.json where it has one (its metadata names it by hash).</summary>
    private static void Copy(string from, string to, params string[] files)
    {
        Directory.CreateDirectory(to);
        foreach (string f in files.Append("ood.json").Where(f => File.Exists(Path.Combine(from, f)))) File.Copy(Path.Combine(from, f), Path.Combine(to, f));
    }

    [Fact]
    public void A_rebuild_from_edited_ranges_is_refused()
    {
        WithRecipeCopy("tbscreen-int8-", bundle =>
        {
            string report = Path.Combine(bundle, QuantizedBundle.ReportFileName);
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(report))!;
            foreach (var (_, range) in json["ranges"]!.AsObject()) range![1] = range[1]!.GetValue<float>() * 2; // every max doubled
            File.WriteAllText(report, json.ToJsonString());

            var e = Assert.Throws<QuantizationException>(() => QuantizedBundle.Rebuild(bundle, write: true));
            Assert.Contains("hashes to", e.Message);
            Assert.False(File.Exists(Path.Combine(bundle, ModelBundle.OnnxFileName)));
        });
    }
}
