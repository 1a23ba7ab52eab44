using Onnx;

namespace TbScreen.Onnx.Graph;

/// <summary>The layers: each checks its input against the weight shapes and returns the output's static shape.</summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>Conv2d; the kernel size comes from the weight [out, in/groups, k, k] so pruned weights need no new description.</summary>
    public Map4 Conv(Map4 x, string name, Weight weight, Weight? bias, long stride = 1, long pad = 0, long dilation = 1, long groups = 1)
    {
        weight.RequireRank(4);
        long outC = weight.Shape[0], kernel = weight.Shape[2];
        if (weight.Shape[3] != kernel) throw new OnnxExportException($"'{weight.Name}': only square kernels are supported, got {weight.ShapeText}.");
        if (weight.Shape[1] * groups != x.Channels)
            throw new OnnxExportException($"'{weight.Name}' {weight.ShapeText} expects {weight.Shape[1] * groups} input channels, but {x} has {x.Channels}.");
        bias?.RequireShape(outC);

        var window = new Window(kernel, stride, pad, dilation);
        var (h, w) = Spatial(x, window, name);
        var inputs = new List<string> { x.Name, Constant(weight.Name, weight.Data, weight.Shape) };
        if (bias is not null) inputs.Add(Constant(bias.Name, bias.Data, bias.Shape));
        string output = Unique(name);
        Node("Conv", [.. inputs], output,
            AttrInts("kernel_shape", kernel, kernel), AttrInts("strides", stride, stride),
            AttrInts("pads", pad, pad, pad, pad), AttrInts("dilations", dilation, dilation), AttrInt("group", groups));
        return new Map4(output, outC, h, w);
    }

    /// <summary>Emits BatchNormalization (inference mode: running statistics).</summary>
    public Map4 BatchNorm(Map4 x, string name, BatchNormWeights bn)
    {
        bn.RequireChannels(x.Channels);
        string output = Unique(name);
        Node("BatchNormalization",
            [x.Name, Constant(bn.Gamma.Name, bn.Gamma.Data, bn.Gamma.Shape), Constant(bn.Beta.Name, bn.Beta.Data, bn.Beta.Shape),
             Constant(bn.Mean.Name, bn.Mean.Data, bn.Mean.Shape), Constant(bn.Var.Name, bn.Var.Data, bn.Var.Shape)],
            output, AttrFloat("epsilon", (float)bn.Epsilon));
        return x with { Name = output };
    }

    /// <summary>Conv followed by BatchNorm, folded into one Conv or kept as two ops.</summary>
    public Map4 ConvBatchNorm(Map4 x, string name, Weight weight, BatchNormWeights bn, bool fold, long stride = 1, long pad = 0)
    {
        if (!fold) return BatchNorm(Conv(x, name, weight, null, stride, pad), name + ".bn", bn);
        bn.RequireChannels(weight.Shape[0]);
        var (foldedWeight, foldedBias) = BatchNormFolding.Fold(weight, null, bn);
        return Conv(x, name, foldedWeight, foldedBias, stride, pad);
    }

    public Map4 Relu(Map4 x) => x with { Name = Unary("Relu", x.Name) };

    public Vec2 Relu(Vec2 x) => x with { Name = Unary("Relu", x.Name) };

    public Map4 MaxPool(Map4 x, string name, long kernel, long stride, long pad = 0, bool ceilMode = false)
    {
        var window = new Window(kernel, stride, pad, CeilMode: ceilMode);
        var (h, w) = Spatial(x, window, name);
        string output = Unique(name);
        Node("MaxPool", [x.Name], output, AttrInts("kernel_shape", kernel, kernel), AttrInts("strides", stride, stride),
            AttrInts("pads", pad, pad, pad, pad), AttrInt("ceil_mode", ceilMode ? 1 : 0));
        return new Map4(output, x.Channels, h, w);
    }

    /// <summary>AveragePool without padding (count_include_pad is then moot).</summary>
    public Map4 AveragePool(Map4 x, string name, long kernel, long stride)
    {
        var (h, w) = Spatial(x, new Window(kernel, stride), name);
        string output = Unique(name);
        Node("AveragePool", [x.Name], output, AttrInts("kernel_shape", kernel, kernel), AttrInts("strides", stride, stride));
        return new Map4(output, x.Channels, h, w);
    }

    public Map4 GlobalAveragePool(Map4 x, string name)
    {
        string output = Unique(name);
        Node("GlobalAveragePool", [x.Name], output);
        return new Map4(output, x.Channels, 1, 1);
    }

    /// <summary>
    /// AdaptiveAvgPool2d for a static input size: nothing when sizes match, AveragePool when they divide evenly, and
    /// otherwise two MatMuls with PyTorch's bin matrices (exact, since adaptive average pooling is linear per axis).
    /// </summary>
    public Map4 AdaptiveAvgPool(Map4 x, string name, long outHeight, long outWidth)
    {
        if (x.Height == outHeight && x.Width == outWidth) return x;
        if (x.Height == x.Width && outHeight == outWidth && x.Height % outHeight == 0)
            return AveragePool(x, name, x.Height / outHeight, x.Height / outHeight);

        // rows: P [outH, H] @ x [N, C, H, W] @ Q^T [W, outW] -> [N, C, outH, outW]
        string right = Constant(name + ".cols", AdaptivePooling.Matrix(x.Width, outWidth, transpose: true), [x.Width, outWidth], mayBeHalf: false);
        string left = Constant(name + ".rows", AdaptivePooling.Matrix(x.Height, outHeight, transpose: false), [outHeight, x.Height], mayBeHalf: false);
        string partial = Unique(name + ".cols_pooled");
        Node("MatMul", [x.Name, right], partial);
        string output = Unique(name);
        Node("MatMul", [left, partial], output);
        return new Map4(output, x.Channels, outHeight, outWidth);
    }

    public Vec2 Flatten(Map4 x, string name)
    {
        string output = Unique(name);
        Node("Flatten", [x.Name], output, AttrInt("axis", 1));
        return new Vec2(output, x.Channels * x.Height * x.Width);
    }

    /// <summary>nn.Linear as Gemm(x, W, b, transB=1): the weight stays in PyTorch's [out, in] layout.</summary>
    public Vec2 Linear(Vec2 x, string name, Weight weight, Weight bias)
    {
        weight.RequireRank(2);
        if (weight.Shape[1] != x.Features)
            throw new OnnxExportException($"'{weight.Name}' {weight.ShapeText} expects {weight.Shape[1]} inputs, but {x.Name} has {x.Features}.");
        bias.RequireShape(weight.Shape[0]);
        string output = Unique(name);
        Node("Gemm", [x.Name, Constant(weight.Name, weight.Data, weight.Shape), Constant(bias.Name, bias.Data, bias.Shape)], output,
            AttrInt("transB", 1));
        return new Vec2(output, weight.Shape[0]);
    }

    public Map4 Concat(string name, params Map4[] parts)
    {
        if (parts.Any(p => p.Height != parts[0].Height || p.Width != parts[0].Width))
            throw new OnnxExportException($"Concat '{name}' joins maps of different sizes: {string.Join(", ", parts.Select(p => p.ToString()))}.");
        string output = Unique(name);
        Node("Concat", [.. parts.Select(p => p.Name)], output, AttrInt("axis", 1));
        return new Map4(output, parts.Sum(p => p.Channels), parts[0].Height, parts[0].Width);
    }

    public Vec2 Softmax(Vec2 x, string name)
    {
        string output = Unique(name);
        Node("Softmax", [x.Name], output, AttrInt("axis", 1));
        return x with { Name = output };
    }

    /// <summary>y[:, c] = x[:, c] * scale[c] + shift[c], as broadcast Mul and Add.</summary>
    public Map4 ChannelAffine(Map4 x, string name, float[] scale, float[] shift)
    {
        long[] shape = [1, x.Channels, 1, 1];
        string scaled = Unique(name + ".scaled");
        Node("Mul", [x.Name, Constant(name + ".scale", scale, shape, mayBeHalf: false)], scaled);
        string output = Unique(name);
        Node("Add", [scaled, Constant(name + ".shift", shift, shape, mayBeHalf: false)], output);
        return x with { Name = output };
    }

    private string Unary(string opType, string input)
    {
        string output = Unique($"{input}.{opType.ToLowerInvariant()}");
        Node(opType, [input], output);
        return output;
    }

    private static (long Height, long Width) Spatial(Map4 x, Window window, string name)
    {
        long h = window.OutputSize(x.Height), w = window.OutputSize(x.Width);
        if (h < 1 || w < 1)
            throw new OnnxExportException($"'{name}' (kernel {window.Kernel}, stride {window.Stride}) gets a {x.Height}x{x.Width} map: the input size is too small for this net.");
        return (h, w);
    }
}
