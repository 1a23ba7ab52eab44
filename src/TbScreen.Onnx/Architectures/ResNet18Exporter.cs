using System.Text.Json;
using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// TorchVision's ResNet with basic blocks, as TbScreen's resnet18 (ResNet18Classifier) names it: a fixed input affine
/// (<c>input_scale</c>, <c>input_shift</c>: our normalised grey to the ImageNet weights' BGR 0..255 minus mean), conv1 7x7/2
/// + bn1 + ReLU, max pool 3x3/2, layer1..layer4, global average pool, fc. Blocks per stage are read from the weights
/// (the package's net has 2, 2, 2, 3; torchvision's resnet18 2, 2, 2, 2); the first block of layer2..4 has stride 2 and
/// a downsample projection. BatchNorm (eps 1e-5) is folded into the convs as for GoogLeNet. The CAM is GoogLeNet's:
/// the TB-minus-non-TB fc row applied to layer4's map (512x7x7 at 224).
/// </summary>
internal sealed class ResNet18Exporter : INetExporter
{
    private const double BatchNormEpsilon = 1e-5;

    public bool IsIgnored(string key) => false;

    public ExportedNet Build(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o)
    {
        var stem = w.Get("conv1.weight");
        var x = g.Input(OnnxModelExporter.InputName, stem.Shape[1], o.InputHeight, o.InputWidth);
        var scale = w.Get("input_scale");
        var shift = w.Get("input_shift");
        scale.RequireShape(1, x.Channels, 1, 1);
        shift.RequireShape(1, x.Channels, 1, 1);
        x = g.ChannelAffine(x, "input_affine", scale.Data, shift.Data);

        bool fold = o.FoldBatchNorm && !o.Float16Weights;
        x = g.Relu(g.ConvBatchNorm(x, "conv1", stem, w.BatchNorm("bn1", BatchNormEpsilon), fold, stride: 2, pad: 3));
        x = g.MaxPool(x, "maxpool", kernel: 3, stride: 2, pad: 1);
        var blocks = new List<int>();
        for (int stage = 1; stage <= 4; stage++)
        {
            int count = 0;
            for (; w.Contains($"layer{stage}.{count}.conv1.weight"); count++)
            {
                x = BasicBlock(g, w, x, $"layer{stage}.{count}", stride: stage > 1 && count == 0 ? 2 : 1, fold);
            }

            if (count == 0) throw new OnnxExportException($"Weight 'layer{stage}.0.conv1.weight' is missing: ResNet has four stages.");
            blocks.Add(count);
        }

        return ClassActivation.PooledHead(g, w, o, x, "layer4", new Dictionary<string, string> { ["tbscreen.resnet.blocks"] = string.Join(",", blocks) });
    }

    /// <summary>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut), the shortcut a 1x1 projection when the weights have one.</summary>
    private static Map4 BasicBlock(OnnxGraphBuilder g, WeightSet w, Map4 x, string name, long stride, bool fold)
    {
        var y = g.Relu(g.ConvBatchNorm(x, name + ".conv1", w.Get(name + ".conv1.weight"), w.BatchNorm(name + ".bn1", BatchNormEpsilon), fold, stride, pad: 1));
        y = g.ConvBatchNorm(y, name + ".conv2", w.Get(name + ".conv2.weight"), w.BatchNorm(name + ".bn2", BatchNormEpsilon), fold, pad: 1);
        var shortcut = w.Contains(name + ".downsample.0.weight")
            ? g.ConvBatchNorm(x, name + ".downsample.0", w.Get(name + ".downsample.0.weight"), w.BatchNorm(name + ".downsample.1", BatchNormEpsilon), fold, stride)
            : x;
        return g.Relu(g.Add(y, shortcut, name + ".add"));
    }
}
