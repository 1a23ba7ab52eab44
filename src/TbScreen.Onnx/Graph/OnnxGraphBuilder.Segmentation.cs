namespace TbScreen.Onnx.Graph;

/// <summary>The layers a segmentation net adds: learned up-sampling and a per-pixel sigmoid.</summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>
    /// ConvTranspose2d without padding or output padding; the weight keeps PyTorch's [in, out, k, k] layout, which
    /// is also ONNX's. Output size (H - 1) * stride + k.
    /// </summary>
    public Map4 ConvTranspose(Map4 x, string name, Weight weight, Weight? bias, long stride)
    {
        weight.RequireRank(4);
        long inC = weight.Shape[0], outC = weight.Shape[1], kernel = weight.Shape[2];
        if (weight.Shape[3] != kernel) throw new OnnxExportException($"'{weight.Name}': only square kernels are supported, got {weight.ShapeText}.");
        if (inC != x.Channels)
            throw new OnnxExportException($"'{weight.Name}' {weight.ShapeText} expects {inC} input channels, but {x} has {x.Channels}.");
        if (stride < 1) throw new OnnxExportException($"'{name}': stride must be positive, got {stride}.");
        bias?.RequireShape(outC);

        var inputs = new List<string> { x.Name, Constant(weight.Name, weight.Data, weight.Shape) };
        if (bias is not null) inputs.Add(Constant(bias.Name, bias.Data, bias.Shape));
        string output = Unique(name);
        Node("ConvTranspose", [.. inputs], output,
            AttrInts("kernel_shape", kernel, kernel), AttrInts("strides", stride, stride), AttrInts("pads", 0, 0, 0, 0));
        return new Map4(output, outC, (x.Height - 1) * stride + kernel, (x.Width - 1) * stride + kernel);
    }

    public Map4 Sigmoid(Map4 x) => x with { Name = Unary("Sigmoid", x.Name) };
}
