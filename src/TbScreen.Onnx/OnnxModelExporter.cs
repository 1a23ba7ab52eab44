using System.Reflection;
using Google.Protobuf;
using Onnx;
using TbScreen.Onnx.Architectures;
using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx;

/// <summary>
/// Exports TorchVision AlexNet / GoogLeNet / ResNet-18 weights (state_dict names) to an ONNX model. Input <c>input</c> [batch, C, H, W]
/// float32 NCHW; outputs <c>probability</c> [batch, classes] (softmax) first, then optionally <c>logits</c>,
/// <c>features</c> (the pooled vector the final linear layer reads), <c>feature_map</c> (last conv map) and, for
/// GoogLeNet and ResNet-18, <c>cam</c>.
/// </summary>
public static class OnnxModelExporter
{
    public const string InputName = "input";
    public const string ProbabilityOutput = "probability";
    public const string LogitsOutput = "logits";
    public const string FeaturesOutput = "features";
    public const string FeatureMapOutput = "feature_map";
    public const string CamOutput = "cam";
    public const string ProducerName = "TbScreen";

    /// <summary>ONNX IR version 8 goes with opset 17 (ONNX 1.12).</summary>
    private const long IrVersion = 8;

    /// <summary>The architectures this exporter knows, by the names the CLI and bundles use.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["alexnet", "googlenet", "resnet18"];

    /// <summary>Architectures that pool globally before one fc layer, so a CAM output exists.</summary>
    public static IReadOnlyList<string> CamArchitectures { get; } = ["googlenet", "resnet18"];

    /// <summary>Builds the model and returns its serialized ModelProto.</summary>
    /// <param name="architecture">"alexnet", "googlenet" or "resnet18" (case-insensitive).</param>
    /// <param name="weights">TorchVision state_dict names to row-major data and shape; num_batches_tracked may be left in or out.</param>
    public static byte[] Export(string architecture, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, OnnxExportOptions options) =>
        BuildModel(architecture, weights, options).ToByteArray();

    /// <summary>Whether the exported graph of <paramref name="architecture"/> can carry the <c>features</c> output.</summary>
    public static bool ProvidesFeatures(string architecture) => architecture.Trim().ToLowerInvariant() is "alexnet" or "googlenet" or "resnet18";

    /// <summary>Exports and writes the model to <paramref name="path"/>, creating its folder; returns the file size in bytes.</summary>
    public static long ExportToFile(string path, string architecture, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, OnnxExportOptions options)
    {
        byte[] bytes = Export(architecture, weights, options);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, bytes);
        return bytes.LongLength;
    }

    internal static ModelProto BuildModel(string architecture, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.InputHeight < 1 || options.InputWidth < 1) throw new OnnxExportException("Input size must be positive.");
        if (options.Opset < 13) throw new OnnxExportException("Opset 13 or later is needed (Softmax over one axis).");
        string arch = architecture.Trim().ToLowerInvariant();
        INetExporter net = arch switch
        {
            "alexnet" => new AlexNetExporter(),
            "googlenet" => new GoogLeNetExporter(),
            "resnet18" => new ResNet18Exporter(),
            _ => throw new OnnxExportException($"Unknown architecture '{architecture}'; known: {string.Join(", ", Architectures)}."),
        };
        if (options.IncludeCam && !CamArchitectures.Contains(arch))
            throw new OnnxExportException($"The cam output needs {string.Join(" or ", CamArchitectures)} (global pooling before one fc layer).");

        var set = new WeightSet(weights);
        var graph = new OnnxGraphBuilder(options.Float16Weights, ProbabilityOutput, LogitsOutput, FeaturesOutput, FeatureMapOutput, CamOutput);
        var built = net.Build(graph, set, options);
        set.RequireAllUsed(key => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal) || net.IsIgnored(key));

        graph.Output(graph.Softmax(built.Logits, "softmax"), ProbabilityOutput);
        if (options.IncludeLogits) graph.Output(built.Logits, LogitsOutput);
        if (options.IncludeFeatures) PenultimateFeatures.AddOutput(graph, built);
        if (options.IncludeFeatureMap) graph.Output(built.FeatureMap, FeatureMapOutput);
        if (built.Cam is not null) graph.Output(built.Cam, CamOutput);

        if (options.SparseWeights && !options.Float16Weights) SparseInitializers.Convert(graph.Graph, options.SparseMinimumZeroFraction);
        var model = CreateModel(graph.Graph, options.Opset);
        model.DocString = options.DocString ?? "";
        foreach (var (key, value) in Metadata(arch, built, options)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Wraps a graph in a ModelProto with our producer fields and the default-domain opset.</summary>
    internal static ModelProto CreateModel(GraphProto graph, int opset)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxModelExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            Domain = "org.tbscreen",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static IEnumerable<KeyValuePair<string, string>> Metadata(string arch, ExportedNet built, OnnxExportOptions options)
    {
        if (options.Metadata.Keys.FirstOrDefault(k => k.StartsWith("tbscreen.", StringComparison.Ordinal)) is { } reserved)
            throw new OnnxExportException($"Metadata key '{reserved}' uses the reserved prefix 'tbscreen.'.");
        var own = new Dictionary<string, string>
        {
            ["tbscreen.architecture"] = arch,
            ["tbscreen.model_version"] = options.ModelVersion,
            ["tbscreen.input_size"] = $"{options.InputHeight}x{options.InputWidth}",
            ["tbscreen.classes"] = built.Logits.Features.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tbscreen.weights_dtype"] = options.Float16Weights ? "float16" : "float32",
            ["tbscreen.features_layer"] = built.FeaturesLayer,
        };
        if (built.PenultimateLayer is not null) own["tbscreen.penultimate_layer"] = built.PenultimateLayer;
        foreach (var kv in built.Metadata) own[kv.Key] = kv.Value;
        return own.Concat(options.Metadata);
    }
}
