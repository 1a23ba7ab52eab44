using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TbScreen.Training.Models;
using static TorchSharp.torch;

namespace TbScreen.Training.Export;

/// <summary>
/// The inverse of our exporter for AlexNet and GoogLeNet: rebuilds the TorchSharp float32 net from a model.onnx that
/// <see cref="TorchOnnxExport"/> wrote. The exporter names every initializer by its state_dict key, so the weights are
/// found by name; widths come from their shapes (a structurally pruned net becomes the same slimmer net through
/// <see cref="ChannelTopology"/>). GoogLeNet's batch norms were folded into the convs (W' = W s, b' = (b - mean) s +
/// beta): the folded conv weight is loaded as is, and the batch norm is made the identity (weight 1, running mean 0,
/// running variance 1 - eps, so var + eps rounds to exactly 1 in float32) with the folded bias as its bias.
/// </summary>
public static class OnnxWeightImport
{
    /// <summary>Initializers the exporter derives for outputs the training net does not have (CAM weight, pooling matrices).</summary>
    private static readonly string[] DerivedPrefixes = ["cam.", "avgpool."];

    public sealed record Imported(nn.Module<Tensor, Tensor> Model, ModelOptions Options, bool FoldedBatchNorm);

    public static Imported Import(string onnxPath, string architecture)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{onnxPath}: not an ONNX model ({e.Message}).", e);
        }

        if (proto.MetadataProps.Any(p => p.Key == "tbscreen.googlenet.transform_input" && p.Value == "true"))
        {
            throw new NotSupportedException($"{onnxPath}: exported with transform_input, which our GoogLeNet does not apply; not importable.");
        }

        if (proto.Graph.Node.Any(n => n.OpType is "QuantizeLinear" or "DequantizeLinear"))
        {
            throw new NotSupportedException($"{onnxPath}: a quantised graph; import its float32 source bundle instead.");
        }

        var weights = Initializers(proto.Graph, onnxPath);
        string arch = ModelFactory.Normalise(architecture);
        var options = OptionsFromShapes(arch, weights, onnxPath);
        var model = ModelFactory.Create(arch, options);
        try
        {
            bool folded = Load(model, weights, onnxPath);
            model.eval();
            return new Imported(model, options, folded);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Float32 initializers by name, sparse ones made dense.</summary>
    internal static Dictionary<string, (float[] Data, long[] Shape)> Initializers(GraphProto graph, string path)
    {
        var map = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (t.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw new NotSupportedException($"{path}: initializer '{t.Name}' is {(TensorProto.Types.DataType)t.DataType}; only float32 weights import exactly (a --fp16 export is rounded).");
            }

            map[t.Name] = (Floats(t), t.Dims.ToArray());
        }

        foreach (var s in graph.SparseInitializer)
        {
            var dense = new float[s.Dims.Aggregate(1L, (a, b) => a * b)];
            float[] values = Floats(s.Values);
            var indices = MemoryMarshal.Cast<byte, long>(s.Indices.RawData.Span);
            for (int i = 0; i < values.Length; i++) dense[indices[i]] = values[i];
            map[s.Values.Name] = (dense, s.Dims.ToArray());
        }

        return map;
    }

    private static float[] Floats(TensorProto t) =>
        t.RawData.IsEmpty ? t.FloatData.ToArray() : MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();

    /// <summary>Widths that differ from the architecture's defaults, read from the weights' output dimensions.</summary>
    private static ModelOptions OptionsFromShapes(string arch, Dictionary<string, (float[] Data, long[] Shape)> weights, string path)
    {
        (float[] Data, long[] Shape) Get(string key) => weights.TryGetValue(key, out var w) ? w : throw new InvalidDataException($"{path}: no initializer '{key}' ({arch}).");
        string head = arch == ModelFactory.AlexNet ? "classifier.6" : arch == ModelFactory.GoogLeNet ? "fc" : throw new NotSupportedException($"Import from ONNX supports alexnet and googlenet, not {arch}.");
        var options = new ModelOptions { NumClasses = (int)Get(head + ".weight").Shape[0] };
        if (arch == ModelFactory.AlexNet)
        {
            options = options with { AlexNetHidden = (int)Get("classifier.1.weight").Shape[0] };
        }

        var defaults = ChannelTopology.For(arch, options);
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in defaults.Where(l => l.Prunable))
        {
            string key = arch == ModelFactory.GoogLeNet ? layer.Name + ".conv.weight" : layer.Name + ".weight";
            int width = (int)Get(key).Shape[0];
            if (width != layer.Width) widths[layer.Name] = width;
        }

        return widths.Count == 0 ? options : options with { Widths = widths };
    }

    /// <returns>Whether batch norms were found folded.</returns>
    private static bool Load(nn.Module<Tensor, Tensor> model, Dictionary<string, (float[] Data, long[] Shape)> weights, string path)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var norms = model.named_modules().Where(m => m.module is TorchSharp.Modules.BatchNorm2d).ToDictionary(m => m.name, m => (TorchSharp.Modules.BatchNorm2d)m.module);
        bool folded = false;
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            int dot = name.LastIndexOf('.');
            string owner = dot < 0 ? "" : name[..dot], leaf = name[(dot + 1)..];
            if (leaf == "num_batches_tracked") continue;
            float[] data;
            long[] shape;
            if (weights.TryGetValue(name, out var stored))
            {
                (data, shape) = stored;
                used.Add(name);
            }
            else if (norms.TryGetValue(owner, out var norm) && owner.EndsWith(".bn", StringComparison.Ordinal)
                && weights.TryGetValue(owner[..^".bn".Length] + ".conv.bias", out var foldedBias))
            {
                // The exporter's fold: BN(conv(x)) = conv'(x) + b', so this BN must add b' and scale by exactly 1.
                folded = true;
                used.Add(owner[..^".bn".Length] + ".conv.bias");
                long c = tensor.shape[0];
                shape = [c];
                data = leaf switch
                {
                    "weight" => Enumerable.Repeat(1f, (int)c).ToArray(),
                    "bias" => foldedBias.Data,
                    "running_mean" => new float[c],
                    "running_var" => Enumerable.Repeat((float)(1 - norm.eps), (int)c).ToArray(),
                    _ => throw new InvalidDataException($"{path}: unknown batch-norm entry '{name}'."),
                };
            }
            else
            {
                throw new InvalidDataException($"{path}: no initializer for '{name}' (shape [{string.Join(",", tensor.shape)}]); was this model exported by tbscreen?");
            }

            if (!shape.SequenceEqual(tensor.shape) || data.Length != tensor.numel())
            {
                throw new InvalidDataException($"{path}: '{name}' is [{string.Join(",", shape)}] in the graph but [{string.Join(",", tensor.shape)}] in the {model.GetName()} net.");
            }

            tensor.copy_(TorchSharp.torch.tensor(data, shape));
        }

        var unused = weights.Keys.Where(k => !used.Contains(k) && !DerivedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToArray();
        return unused.Length == 0 ? folded : throw new InvalidDataException($"{path}: initializers the net has no place for: {string.Join(", ", unused.Take(5))}.");
    }
}
