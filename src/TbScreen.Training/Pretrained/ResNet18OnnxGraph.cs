using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// Reads the CNTK-exported ResNet-18 feature extractor (ResNet18.onnx) into TorchVision state_dict names by walking
/// the graph, not by its initializer names (Parameter91, Constant98, ... say nothing): the stem Conv/BN/Relu/MaxPool,
/// then each residual Add, whose two inputs are traced back to the main path (Conv-BN-Relu-Conv-BN) and the shortcut
/// (identity, or a strided 1x1 Conv-BN = TorchVision's downsample; it opens the next stage). The graph has no
/// classifier: fc.* is not produced. This CNTK "ResNet-18" has 2, 2, 2, 3 basic blocks (22 convs, one block more in
/// layer4 than TorchVision's resnet18), which <see cref="Contents.BlocksPerLayer"/> reports.
/// Every attribute TorchVision fixes (kernels, strides, leading pads, groups, dilation, epsilon) is checked.
/// </summary>
public static class ResNet18OnnxGraph
{
    /// <summary>CNTK's BatchNormalization epsilon in this file; TorchSharp's BatchNorm2d default is the same 1e-5.</summary>
    public const float BatchNormEpsilon = 1e-5f;

    public const int InputSize = 224;

    /// <summary>The pooled 512-d features before TorchVision's fc, keyed by TorchVision names, plus the graph's I/O names.</summary>
    /// <param name="BlocksPerLayer">Basic blocks in layer1..layer4 as found in the graph (this package: 2, 2, 2, 3).</param>
    public sealed record Contents(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Weights, string InputName, string OutputName, IReadOnlyList<int> BlocksPerLayer);

    public static Contents Read(string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            throw new PretrainedWeightsException(path, $"cannot read the ONNX model ({e.Message}).", e);
        }

        return new Walker(path, model.Graph).Walk();
    }

    private sealed class Walker(string path, GraphProto graph)
    {
        private readonly Dictionary<string, TensorProto> _initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        private readonly Dictionary<string, NodeProto> _producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        private readonly Dictionary<string, (float[] Data, long[] Shape)> _weights = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public Contents Walk()
        {
            string input = graph.Input.Select(i => i.Name).SingleOrDefault(n => !_initializers.ContainsKey(n))
                ?? throw Fail("expected exactly one graph input that is not an initializer.");
            string output = graph.Output.Count == 1 ? graph.Output[0].Name : throw Fail($"expected one graph output, found {graph.Output.Count}.");

            // Stem: conv1 (7x7/2) -> bn1 -> relu -> maxpool (3x3/2).
            var stem = graph.Node.Where(n => n.OpType == "Conv" && n.Input[0] == input).ToList();
            if (stem.Count != 1) throw Fail($"expected one Conv on the input '{input}', found {stem.Count}.");
            var stemBn = Single(Consumers(stem[0].Output[0]), "BatchNormalization", "the stem conv");
            var stemRelu = Single(Consumers(stemBn.Output[0]), "Relu", "the stem batch norm");
            var maxPool = Single(Consumers(stemRelu.Output[0]), "MaxPool", "the stem relu");
            RequireInts(maxPool, "kernel_shape", [3, 3]);
            RequireInts(maxPool, "strides", [2, 2]);
            RequireLeadingPads(maxPool, 1);
            Conv(stem[0], "conv1", kernel: 7, stride: 2);
            BatchNorm(stemBn, "bn1");

            // Basic blocks in graph order; a projection shortcut (strided 1x1 conv) opens the next layer, as in TorchVision.
            string blockInput = maxPool.Output[0];
            var blocks = new List<int>();
            foreach (var add in graph.Node.Where(n => n.OpType == "Add"))
            {
                bool projection = !IsIdentity(add, blockInput);
                if (projection || blocks.Count == 0) blocks.Add(0);
                if (blocks.Count > 4) throw Fail($"more than four stages: Add '{add.Name}' opens a fifth.");
                string prefix = $"layer{blocks.Count}.{blocks[^1]}";
                blocks[^1]++;
                blockInput = Block(add, prefix, projection ? 2 : 1, blockInput);
            }

            if (blocks.Count != 4) throw Fail($"expected four stages (layer1..layer4), found {blocks.Count}.");
            var pool = Single(Consumers(blockInput), "AveragePool", "the last block");
            RequireInts(pool, "kernel_shape", [7, 7]);
            if (pool.Output[0] != output) throw Fail($"the average pool after layer4 writes '{pool.Output[0]}', not the graph output '{output}'.");

            var unused = _initializers.Keys.Where(k => !_used.Contains(k)).ToList();
            if (unused.Count > 0) throw Fail($"{unused.Count} initializer(s) are not part of ResNet-18: {string.Join(", ", unused.Take(5))}.");
            return new Contents(_weights, input, output, blocks);
        }

        private bool IsIdentity(NodeProto add, string blockInput) => add.Input.Contains(blockInput);

        /// <summary>Maps one residual block; returns the Relu output after its Add (the next block's input).</summary>
        private string Block(NodeProto add, string prefix, int stride, string expectedInput)
        {
            if (add.Input.Count != 2) throw Fail($"Add '{add.Name}' has {add.Input.Count} inputs.");
            var mains = add.Input.Select(TraceMain).ToList();
            int mainIndex = mains.FindIndex(m => m is not null);
            if (mainIndex < 0 || mains.Count(m => m is not null) != 1) throw Fail($"{prefix}: cannot tell the main path from the shortcut at Add '{add.Name}'.");
            var main = mains[mainIndex]!;
            string shortcut = add.Input[1 - mainIndex];

            if (main.Conv1.Input[0] != expectedInput) throw Fail($"{prefix}: the main path starts at '{main.Conv1.Input[0]}', expected '{expectedInput}'.");
            Conv(main.Conv1, prefix + ".conv1", kernel: 3, stride: stride);
            BatchNorm(main.Bn1, prefix + ".bn1");
            Conv(main.Conv2, prefix + ".conv2", kernel: 3, stride: 1);
            BatchNorm(main.Bn2, prefix + ".bn2");

            if (shortcut == expectedInput)
            {
                if (stride != 1) throw Fail($"{prefix}: TorchVision downsamples here (stride {stride}), the graph has an identity shortcut.");
            }
            else
            {
                var bn = Producer(shortcut, "BatchNormalization", prefix + " shortcut");
                var conv = Producer(bn.Input[0], "Conv", prefix + " shortcut");
                if (conv.Input[0] != expectedInput) throw Fail($"{prefix}: the shortcut conv reads '{conv.Input[0]}', expected '{expectedInput}'.");
                if (stride == 1) throw Fail($"{prefix}: TorchVision has an identity shortcut here, the graph has a projection.");
                Conv(conv, prefix + ".downsample.0", kernel: 1, stride: stride);
                BatchNorm(bn, prefix + ".downsample.1");
            }

            return Single(Consumers(add.Output[0]), "Relu", $"{prefix}'s Add").Output[0];
        }

        private sealed record MainPath(NodeProto Conv1, NodeProto Bn1, NodeProto Conv2, NodeProto Bn2);

        /// <summary>BN2 &lt;- Conv2 &lt;- Relu &lt;- BN1 &lt;- Conv1, or null when the value is not such a path.</summary>
        private MainPath? TraceMain(string value)
        {
            if (!Is(value, "BatchNormalization", out var bn2) || !Is(bn2.Input[0], "Conv", out var conv2)) return null;
            if (!Is(conv2.Input[0], "Relu", out var relu) || !Is(relu.Input[0], "BatchNormalization", out var bn1)) return null;
            return Is(bn1.Input[0], "Conv", out var conv1) ? new MainPath(conv1, bn1, conv2, bn2) : null;
        }

        private bool Is(string value, string opType, out NodeProto node)
        {
            node = _producers.GetValueOrDefault(value)!;
            return node?.OpType == opType;
        }

        private NodeProto Producer(string value, string opType, string where) =>
            Is(value, opType, out var node) ? node : throw Fail($"{where}: expected '{value}' to come from {opType}.");

        private List<NodeProto> Consumers(string value) => graph.Node.Where(n => n.Input.Contains(value)).ToList();

        private NodeProto Single(List<NodeProto> nodes, string opType, string after) =>
            nodes.Count == 1 && nodes[0].OpType == opType
                ? nodes[0]
                : throw Fail($"expected one {opType} after {after}, found [{string.Join(", ", nodes.Select(n => n.OpType))}].");

        private void Conv(NodeProto conv, string name, int kernel, int stride)
        {
            if (conv.Input.Count != 2) throw Fail($"{name}: TorchVision's ResNet convs have no bias, '{conv.Name}' has {conv.Input.Count} inputs.");
            RequireInts(conv, "kernel_shape", [kernel, kernel]);
            RequireInts(conv, "strides", [stride, stride]);
            RequireInts(conv, "dilations", [1, 1]);
            if (Attribute(conv, "group") is { } group && group.I != 1) throw Fail($"{name}: group {group.I}, expected 1.");
            RequireLeadingPads(conv, kernel / 2);
            Take(conv.Input[1], name + ".weight", rank: 4);
        }

        private void BatchNorm(NodeProto bn, string prefix)
        {
            float epsilon = Attribute(bn, "epsilon")?.F ?? 1e-5f; // ONNX's default
            if (epsilon != BatchNormEpsilon) throw Fail($"{prefix}: epsilon {epsilon}, but BatchNorm2d uses {BatchNormEpsilon}.");
            if (bn.Input.Count != 5) throw Fail($"{prefix}: BatchNormalization '{bn.Name}' has {bn.Input.Count} inputs, expected 5.");
            Take(bn.Input[1], prefix + ".weight", rank: 1);
            Take(bn.Input[2], prefix + ".bias", rank: 1);
            Take(bn.Input[3], prefix + ".running_mean", rank: 1);
            Take(bn.Input[4], prefix + ".running_var", rank: 1);
        }

        private void Take(string initializer, string torchName, int rank)
        {
            if (!_initializers.TryGetValue(initializer, out var tensor)) throw Fail($"{torchName}: '{initializer}' is not an initializer.");
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float) throw Fail($"{torchName}: '{initializer}' is not float32.");
            if (tensor.Dims.Count != rank) throw Fail($"{torchName}: '{initializer}' has rank {tensor.Dims.Count}, expected {rank}.");
            float[] data = tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
            long count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
            if (data.Length != count) throw Fail($"{torchName}: '{initializer}' holds {data.Length} values for shape [{string.Join(",", tensor.Dims)}].");
            if (!_used.Add(initializer)) throw Fail($"{torchName}: '{initializer}' is shared with another layer.");
            _weights[torchName] = (data, [.. tensor.Dims]);
        }

        /// <summary>
        /// CNTK pads stride-2 layers asymmetrically ([1,1,0,0], the stem [3,3,2,2]): the leading pads match TorchVision's,
        /// the trailing ones are smaller. At 224 px every map is even, so the last window never reaches the trailing pad and
        /// both give identical outputs; ORT's and TorchSharp's feature sizes are checked equal by the parity test.
        /// </summary>
        private void RequireLeadingPads(NodeProto node, int pad)
        {
            var pads = Attribute(node, "pads")?.Ints.ToArray() ?? [0, 0, 0, 0];
            if (pads.Length != 4 || pads[0] != pad || pads[1] != pad || pads[2] > pad || pads[3] > pad)
                throw Fail($"'{node.Name}' ({node.OpType}) pads [{string.Join(",", pads)}], expected leading {pad} and trailing at most {pad}.");
        }

        private void RequireInts(NodeProto node, string name, long[] expected)
        {
            var actual = Attribute(node, name)?.Ints.ToArray();
            if (actual is null || !actual.SequenceEqual(expected))
                throw Fail($"'{node.Name}' ({node.OpType}) {name} [{string.Join(",", actual ?? [])}], expected [{string.Join(",", expected)}].");
        }

        private static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

        private PretrainedWeightsException Fail(string reason) => new(path, "not the ResNet-18 graph the converter knows: " + reason);
    }
}
