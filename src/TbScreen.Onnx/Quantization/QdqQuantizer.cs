using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TbScreen.Onnx.Quantization;

/// <summary>What <see cref="QdqQuantizer.Quantize"/> needs besides the float model.</summary>
public sealed record QdqOptions
{
    /// <summary>The calibrated [min, max] of every activation the quantised layers read, by tensor name.</summary>
    public required IReadOnlyDictionary<string, (float Min, float Max)> Ranges { get; init; }

    public ActivationType Activations { get; init; } = ActivationType.UInt8;

    /// <summary>Node names (our builder names them "OUTPUT/OpType", e.g. "features.0/Conv") left in float32.</summary>
    public IReadOnlySet<string> KeepFloat { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Weights in [-64, 64] instead of [-127, 127] (<see cref="QuantizationMath.ReducedWeightMax"/>): exact U8S8 on CPUs without VNNI.</summary>
    public bool ReduceRange { get; init; }
}

/// <summary>
/// Static INT8 quantisation of a float ONNX model from our graph builder, in ONNX Runtime's QDQ format:
/// <list type="bullet">
/// <item>Conv and Gemm (transB = 1) weights become int8, symmetric per output channel (axis 0), read through
/// DequantizeLinear; biases become int32 with scale = input scale x weight scale[c];</item>
/// <item>every activation a quantised layer reads gets one per-tensor QuantizeLinear -> DequantizeLinear pair that all
/// its consumers (graph outputs included) read, so ONNX Runtime sees DQ -> Conv -> (Relu) -> Q and fuses QLinearConv,
/// removes the Relu (its Q's zero point is the type's minimum), and runs MaxPool/Flatten on integers;</item>
/// <item>MaxPool and Flatten outputs reuse their input's parameters (they only move values), as ORT's quantiser does.</item>
/// </list>
/// Layers named in <see cref="QdqOptions.KeepFloat"/> stay float32 (they read the dequantised value where a
/// neighbour is quantised). The final Gemm's output is not quantised, so logits and probabilities stay float.
/// </summary>
public static class QdqQuantizer
{
    /// <summary>Ops that compute with weights and are quantised.</summary>
    private static readonly HashSet<string> WeightOps = new(StringComparer.Ordinal) { "Conv", "Gemm" };

    /// <summary>Ops that ONNX Runtime runs on (or passes) quantised values when their inputs are quantised.</summary>
    private static readonly HashSet<string> DataOps = new(StringComparer.Ordinal) { "MaxPool", "Concat", "GlobalAveragePool", "AveragePool", "Flatten" };

    /// <summary>Ops whose output takes the input's quantisation parameters.</summary>
    private static readonly HashSet<string> SameScaleOps = new(StringComparer.Ordinal) { "MaxPool", "Flatten" };

    /// <summary>The quantisable layers (Conv/Gemm nodes with initializer weights), in graph order.</summary>
    public static IReadOnlyList<string> QuantizableLayers(byte[] model)
    {
        var proto = Parse(model);
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return proto.Graph.Node.Where(n => IsWeightLayer(n, initializers)).Select(n => n.Name).ToList();
    }

    /// <summary>
    /// The node that computes graph output <paramref name="output"/> (through the builder's Identity), e.g. the CAM conv
    /// for "cam"; null when the graph has no such output.
    /// </summary>
    public static string? ProducerOf(byte[] model, string output)
    {
        var graph = Parse(model).Graph;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node) foreach (string o in node.Output) producers[o] = node;
        if (!producers.TryGetValue(output, out var producer)) return null;
        while (producer.OpType == "Identity" && producers.TryGetValue(producer.Input[0], out var upstream)) producer = upstream;
        return producer.Name;
    }

    /// <summary>
    /// The activation tensors whose ranges <see cref="Quantize"/> may need (the inputs of quantisable layers and data
    /// ops), and the model with each of them added as an extra graph output so that one Run returns them all.
    /// A graph input in the list is not added as an output: its values are the fed input itself.
    /// </summary>
    public static (byte[] Model, IReadOnlyList<string> Tensors) ExposeActivations(byte[] model)
    {
        var proto = Parse(model);
        var graph = proto.Graph;
        var tensors = ActivationTensors(graph, graph.Node.Select(n => n.Name).ToHashSet(StringComparer.Ordinal), includeAllData: true);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string t in tensors.Where(t => !outputs.Contains(t) && !inputs.Contains(t)))
        {
            var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } };
            graph.Output.Add(new ValueInfoProto { Name = t, Type = type });
        }

        return (proto.ToByteArray(), tensors);
    }

    /// <summary>Returns the QDQ model. Throws <see cref="QuantizationException"/> for a graph it cannot quantise.</summary>
    public static byte[] Quantize(byte[] model, QdqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var proto = Parse(model);
        var graph = proto.Graph;
        if (graph.SparseInitializer.Count > 0) throw new QuantizationException("the model stores sparse initializers; export it dense before quantising");
        if (proto.OpsetImport.Where(o => o.Domain == "").Select(o => o.Version).DefaultIfEmpty(0).Max() < 13)
            throw new QuantizationException("per-channel QuantizeLinear needs opset 13 or later");
        var unknown = options.KeepFloat.Where(k => graph.Node.All(n => n.Name != k)).ToList();
        if (unknown.Count > 0) throw new QuantizationException($"no node named {string.Join(", ", unknown)} to keep in float32");

        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var quantized = graph.Node.Where(n => !options.KeepFloat.Contains(n.Name) && (IsWeightLayer(n, initializers.Keys.ToHashSet()) || DataOps.Contains(n.OpType)))
            .Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var activations = ActivationTensors(graph, quantized, includeAllData: false).ToHashSet(StringComparer.Ordinal);

        // Parameters in graph order, so a MaxPool/Flatten output can copy its input's.
        var parameters = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node) foreach (string o in node.Output) producers[o] = node;
        foreach (string t in graph.Input.Select(i => i.Name).Concat(graph.Node.SelectMany(n => n.Output)).Where(activations.Contains))
        {
            if (producers.TryGetValue(t, out var producer) && SameScaleOps.Contains(producer.OpType) && parameters.TryGetValue(producer.Input[0], out var inherited))
            {
                parameters[t] = inherited;
                continue;
            }

            if (!options.Ranges.TryGetValue(t, out var range)) throw new QuantizationException($"no calibrated range for activation '{t}'");
            parameters[t] = QuantizationMath.Activation(range.Min, range.Max, options.Activations);
        }

        var nodes = new List<NodeProto>();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => activations.Contains(i.Name))) nodes.AddRange(QuantDequant(graph, input.Name, parameters[input.Name], options.Activations));
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                // Every consumer, graph outputs' Identity included, reads the dequantised value: a float reader beside the
                // Q would stop ONNX Runtime from removing the Relu before it, and with it the Conv fusion.
                if (activations.Contains(node.Input[i])) node.Input[i] = Dequantized(node.Input[i]);
            }

            if (quantized.Contains(node.Name) && IsWeightLayer(node, initializers.Keys.ToHashSet()))
            {
                nodes.AddRange(QuantizeWeights(graph, node, initializers, parameters[Original(node.Input[0])], removed, QuantizationMath.WeightBound(options.ReduceRange)));
            }

            nodes.Add(node);
            foreach (string o in node.Output.Where(activations.Contains)) nodes.AddRange(QuantDequant(graph, o, parameters[o], options.Activations));
        }

        foreach (var initializer in graph.Initializer.Where(i => removed.Contains(i.Name)).ToList()) graph.Initializer.Remove(initializer);
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "tbscreen.quantization", Value = $"qdq-int8,activations={(options.Activations == ActivationType.Int8 ? "s8" : "u8")},weights=s8-per-channel{(options.ReduceRange ? ",reduce-range" : "")}" });
        return proto.ToByteArray();
    }

    private static string Dequantized(string tensor) => tensor + "_dequantized";

    private static string Original(string name) => name.EndsWith("_dequantized", StringComparison.Ordinal) ? name[..^"_dequantized".Length] : name;

    private static bool IsWeightLayer(NodeProto node, IReadOnlySet<string> initializers)
    {
        if (!WeightOps.Contains(node.OpType) || node.Input.Count < 2 || !initializers.Contains(node.Input[1])) return false;
        if (node.Input.Count > 2 && node.Input[2] != "" && !initializers.Contains(node.Input[2])) return false;
        if (node.OpType == "Gemm")
        {
            long transA = node.Attribute.FirstOrDefault(a => a.Name == "transA")?.I ?? 0, transB = node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I ?? 0;
            float alpha = node.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f, beta = node.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1f;
            return transA == 0 && transB == 1 && alpha == 1f && beta == 1f;
        }

        return true;
    }

    /// <summary>The float activations read by the given nodes: input 0 of layers and single-input data ops, every input of Concat.</summary>
    private static List<string> ActivationTensors(GraphProto graph, IReadOnlySet<string> nodeNames, bool includeAllData)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var node in graph.Node.Where(n => nodeNames.Contains(n.Name)))
        {
            bool layer = IsWeightLayer(node, initializers);
            if (!layer && !DataOps.Contains(node.OpType)) continue;
            var reads = node.OpType == "Concat" ? node.Input.ToList() : [node.Input[0]];
            foreach (string t in reads.Where(t => !initializers.Contains(t) && seen.Add(t))) list.Add(t);
            if (includeAllData && SameScaleOps.Contains(node.OpType) && seen.Add(node.Output[0])) list.Add(node.Output[0]);
        }

        return list;
    }

    private static IEnumerable<NodeProto> QuantDequant(GraphProto graph, string tensor, QuantParams p, ActivationType type)
    {
        var zeroType = type == ActivationType.Int8 ? TensorProto.Types.DataType.Int8 : TensorProto.Types.DataType.Uint8;
        graph.Initializer.Add(Scalar(tensor + "_scale", p.Scale));
        graph.Initializer.Add(Raw(tensor + "_zero_point", zeroType, [], [unchecked((byte)p.ZeroPoint)]));
        yield return Node("QuantizeLinear", [tensor, tensor + "_scale", tensor + "_zero_point"], tensor + "_quantized");
        yield return Node("DequantizeLinear", [tensor + "_quantized", tensor + "_scale", tensor + "_zero_point"], Dequantized(tensor));
    }

    private static IEnumerable<NodeProto> QuantizeWeights(GraphProto graph, NodeProto node, Dictionary<string, TensorProto> initializers, QuantParams input, HashSet<string> removed, int weightMax)
    {
        var weight = initializers[node.Input[1]];
        float[] w = Floats(weight);
        long channels = weight.Dims[0];
        float[] scales = QuantizationMath.ChannelScales(w, channels, weightMax);
        sbyte[] q = QuantizationMath.QuantizeWeights(w, scales, weightMax);
        string name = weight.Name;
        graph.Initializer.Add(Raw(name + "_quantized", TensorProto.Types.DataType.Int8, [.. weight.Dims], MemoryMarshal.AsBytes(q.AsSpan()).ToArray()));
        graph.Initializer.Add(Vector(name + "_scale", scales));
        graph.Initializer.Add(Raw(name + "_zero_point", TensorProto.Types.DataType.Int8, [channels], new byte[channels]));
        yield return Node("DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"], name + "_dequantized", axis: 0);
        removed.Add(name);
        node.Input[1] = name + "_dequantized";

        if (node.Input.Count > 2 && node.Input[2] != "")
        {
            var bias = initializers[node.Input[2]];
            float[] b = Floats(bias);
            int[] qb = QuantizationMath.QuantizeBias(b, input.Scale, scales);
            float[] biasScales = scales.Select(s => input.Scale * s).ToArray();
            string bname = bias.Name;
            graph.Initializer.Add(Raw(bname + "_quantized", TensorProto.Types.DataType.Int32, [channels], MemoryMarshal.AsBytes(qb.AsSpan()).ToArray()));
            graph.Initializer.Add(Vector(bname + "_scale", biasScales));
            graph.Initializer.Add(Raw(bname + "_zero_point", TensorProto.Types.DataType.Int32, [channels], new byte[channels * 4]));
            yield return Node("DequantizeLinear", [bname + "_quantized", bname + "_scale", bname + "_zero_point"], bname + "_dequantized", axis: 0);
            removed.Add(bname);
            node.Input[2] = bname + "_dequantized";
        }
    }

    internal static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float) throw new QuantizationException($"initializer '{tensor.Name}' is not float32");
        if (!tensor.RawData.IsEmpty) return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        return [.. tensor.FloatData];
    }

    private static TensorProto Scalar(string name, float value) =>
        Raw(name, TensorProto.Types.DataType.Float, [], BitConverter.GetBytes(value));

    private static TensorProto Vector(string name, float[] values) =>
        Raw(name, TensorProto.Types.DataType.Float, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static TensorProto Raw(string name, TensorProto.Types.DataType type, long[] dims, byte[] raw)
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        return t;
    }

    private static NodeProto Node(string op, string[] inputs, string output, long? axis = null)
    {
        var node = new NodeProto { OpType = op, Name = $"{output}/{op}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (axis is { } a) node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        return node;
    }

    private static ModelProto Parse(byte[] model)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new QuantizationException($"not an ONNX model: {e.Message}", e);
        }
    }
}

/// <summary>A model, calibration set or option that static quantisation cannot use; the message names the reason.</summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
