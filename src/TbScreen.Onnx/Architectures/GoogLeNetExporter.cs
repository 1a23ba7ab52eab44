using System.Globalization;
using System.Text.Json;
using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// TorchVision's GoogLeNet without aux heads (TorchSharp 0.107 builds none): BasicConv2d = conv (no bias) + bn
/// (eps 0.001) + ReLU; pools in ceil mode; inception branch 3 uses a 3x3 conv as TorchVision does. Channel counts
/// and kernel sizes come from the weights. Supported inputs: any size from 16x16 up; at 224 the last map is 7x7.
/// </summary>
internal sealed class GoogLeNetExporter : INetExporter
{
    private const double BatchNormEpsilon = 0.001;

    private static readonly string[] Blocks = ["3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"];

    // TorchVision's transform_input: re-normalises ImageNet-normalised input to the [-1, 1] scale of the original weights.
    private static readonly float[] TransformScale = [0.229f / 0.5f, 0.224f / 0.5f, 0.225f / 0.5f];
    private static readonly float[] TransformShift = [(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f];

    public bool IsIgnored(string key) => key.StartsWith("aux1.", StringComparison.Ordinal) || key.StartsWith("aux2.", StringComparison.Ordinal);

    public ExportedNet Build(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o)
    {
        var stem = w.Get("conv1.conv.weight");
        var x = g.Input(OnnxModelExporter.InputName, stem.Shape[1], o.InputHeight, o.InputWidth);
        if (o.TransformInput)
        {
            if (x.Channels != 3) throw new OnnxExportException("transform_input needs 3 input channels.");
            x = g.ChannelAffine(x, "transform_input", TransformScale, TransformShift);
        }

        x = BasicConv(g, w, o, x, "conv1", stride: 2);
        x = g.MaxPool(x, "maxpool1", kernel: 3, stride: 2, ceilMode: true);
        x = BasicConv(g, w, o, x, "conv2");
        x = BasicConv(g, w, o, x, "conv3");
        x = g.MaxPool(x, "maxpool2", kernel: 3, stride: 2, ceilMode: true);
        foreach (string block in Blocks)
        {
            x = Inception(g, w, o, x, "inception" + block);
            if (block == "3b") x = g.MaxPool(x, "maxpool3", kernel: 3, stride: 2, ceilMode: true);
            if (block == "4e") x = g.MaxPool(x, "maxpool4", kernel: 2, stride: 2, ceilMode: true);
        }
        // The pooled 1024-d vector before dropout/fc is what fc reads at inference.
        return ClassActivation.PooledHead(g, w, o, x, "inception5b", new Dictionary<string, string> { ["tbscreen.googlenet.transform_input"] = o.TransformInput ? "true" : "false" });
    }

    private static Map4 Inception(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o, Map4 x, string name)
    {
        var b1 = BasicConv(g, w, o, x, name + ".branch1");
        var b2 = BasicConv(g, w, o, BasicConv(g, w, o, x, name + ".branch2.0"), name + ".branch2.1");
        var b3 = BasicConv(g, w, o, BasicConv(g, w, o, x, name + ".branch3.0"), name + ".branch3.1");
        var b4 = BasicConv(g, w, o, g.MaxPool(x, name + ".branch4.0", kernel: 3, stride: 1, pad: 1, ceilMode: true), name + ".branch4.1");
        return g.Concat(name, b1, b2, b3, b4);
    }

    /// <summary>BasicConv2d: "same" padding (k / 2) for every kernel TorchVision's GoogLeNet uses (1, 3, 7).</summary>
    private static Map4 BasicConv(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o, Map4 x, string name, long stride = 1)
    {
        var weight = w.Get(name + ".conv.weight");
        weight.RequireRank(4);
        long pad = weight.Shape[2] / 2;
        var y = g.ConvBatchNorm(x, name + ".conv", weight, w.BatchNorm(name + ".bn", BatchNormEpsilon), o.FoldBatchNorm && !o.Float16Weights, stride, pad);
        return g.Relu(y);
    }
}
