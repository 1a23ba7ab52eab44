using Google.Protobuf;
using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// Exports the lung U-Net (TbScreen.Training.Segmentation.UNet) from its state_dict: <c>down.{i}</c>, <c>bottom</c> and
/// <c>decode.{i}</c> are Conv-BN-ReLU-Conv-BN-ReLU blocks (Sequential indices 0, 1, 3, 4), <c>up.{i}</c> a 2x2 stride-2
/// ConvTranspose2d, <c>head</c> a 1x1 Conv. The depth and widths are read from the weights.
/// Input <c>input</c> [batch, 1, H, W]; outputs <c>probability</c> [batch, 1, H, W] (sigmoid) and, optionally, <c>logits</c>.
/// </summary>
public static class UNetExporter
{
    public const string Architecture = "unet";
    public const string ProbabilityOutput = OnnxModelExporter.ProbabilityOutput;
    public const string LogitsOutput = OnnxModelExporter.LogitsOutput;

    /// <summary>PyTorch BatchNorm2d's default epsilon, which the U-Net uses.</summary>
    private const double BatchNormEpsilon = 1e-5;

    public static byte[] Export(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IncludeCam) throw new OnnxExportException("The U-Net has no cam output.");
        var set = new WeightSet(weights);
        int depth = Depth(set);
        long multiple = 1L << depth;
        if (options.InputHeight < multiple || options.InputWidth < multiple || options.InputHeight % multiple != 0 || options.InputWidth % multiple != 0)
            throw new OnnxExportException($"A depth-{depth} U-Net needs an input whose sides are multiples of {multiple}, got {options.InputHeight}x{options.InputWidth}.");

        var g = new OnnxGraphBuilder(options.Float16Weights, ProbabilityOutput, LogitsOutput);
        var x = g.Input(OnnxModelExporter.InputName, set.Get("down.0.0.weight").Shape[1], options.InputHeight, options.InputWidth);
        var skips = new List<Map4>();
        for (int level = 0; level < depth; level++)
        {
            x = DoubleConv(g, set, x, $"down.{level}", options.FoldBatchNorm);
            skips.Add(x);
            x = g.MaxPool(x, $"pool.{level}", kernel: 2, stride: 2);
        }

        x = DoubleConv(g, set, x, "bottom", options.FoldBatchNorm);
        for (int level = depth - 1; level >= 0; level--)
        {
            x = g.ConvTranspose(x, $"up.{level}", set.Get($"up.{level}.weight"), set.Get($"up.{level}.bias"), stride: 2);
            x = DoubleConv(g, set, g.Concat($"cat.{level}", skips[level], x), $"decode.{level}", options.FoldBatchNorm);
        }

        var logits = g.Conv(x, "head", set.Get("head.weight"), set.Get("head.bias"));
        set.RequireAllUsed(key => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        g.Output(g.Sigmoid(logits), ProbabilityOutput);
        if (options.IncludeLogits) g.Output(logits, LogitsOutput);

        var model = OnnxModelExporter.CreateModel(g.Graph, options.Opset);
        model.DocString = options.DocString ?? "";
        foreach (var (key, value) in Metadata(options, depth, set.Get("down.0.0.weight").Shape[0]))
            model.MetadataProps.Add(new global::Onnx.StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    /// <summary>Exports and writes the model, creating its folder; returns the file size in bytes.</summary>
    public static long ExportToFile(string path, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, OnnxExportOptions options)
    {
        byte[] bytes = Export(weights, options);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, bytes);
        return bytes.LongLength;
    }

    private static Map4 DoubleConv(OnnxGraphBuilder g, WeightSet w, Map4 x, string prefix, bool fold)
    {
        x = g.Relu(g.ConvBatchNorm(x, $"{prefix}.0", w.Get($"{prefix}.0.weight"), w.BatchNorm($"{prefix}.1", BatchNormEpsilon), fold, pad: 1));
        return g.Relu(g.ConvBatchNorm(x, $"{prefix}.3", w.Get($"{prefix}.3.weight"), w.BatchNorm($"{prefix}.4", BatchNormEpsilon), fold, pad: 1));
    }

    /// <summary>The number of down-sampling levels: consecutive down.{i} blocks, which the up.{i} blocks must match.</summary>
    private static int Depth(WeightSet w)
    {
        int depth = 0;
        while (w.Contains($"down.{depth}.0.weight")) depth++;
        if (depth == 0) throw new OnnxExportException("Weight 'down.0.0.weight' is missing: not a U-Net state_dict.");
        if (!w.Contains($"up.{depth - 1}.weight") || w.Contains($"up.{depth}.weight"))
            throw new OnnxExportException($"The U-Net has {depth} down blocks but a different number of up blocks.");
        return depth;
    }

    private static IEnumerable<KeyValuePair<string, string>> Metadata(OnnxExportOptions options, int depth, long baseWidth)
    {
        if (options.Metadata.Keys.FirstOrDefault(k => k.StartsWith("tbscreen.", StringComparison.Ordinal)) is { } reserved)
            throw new OnnxExportException($"Metadata key '{reserved}' uses the reserved prefix 'tbscreen.'.");
        var own = new Dictionary<string, string>
        {
            ["tbscreen.architecture"] = Architecture,
            ["tbscreen.model_version"] = options.ModelVersion,
            ["tbscreen.input_size"] = $"{options.InputHeight}x{options.InputWidth}",
            ["tbscreen.weights_dtype"] = options.Float16Weights ? "float16" : "float32",
            ["tbscreen.unet"] = $"depth={depth},width={baseWidth}",
        };
        return own.Concat(options.Metadata);
    }
}
