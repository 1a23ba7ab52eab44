namespace TbScreen.Onnx.Graph;

/// <summary>One named parameter: flat row-major data plus its PyTorch shape.</summary>
internal sealed record Weight(string Name, float[] Data, long[] Shape)
{
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    public void RequireRank(int rank)
    {
        if (Shape.Length != rank) throw new OnnxExportException($"'{Name}' should have rank {rank}, but its shape is {ShapeText}.");
    }

    public void RequireShape(params long[] shape)
    {
        if (!Shape.SequenceEqual(shape))
            throw new OnnxExportException($"'{Name}' should have shape [{string.Join(",", shape)}], but has {ShapeText}.");
    }
}

/// <summary>BatchNorm2d's affine parameters and running statistics.</summary>
internal sealed record BatchNormWeights(Weight Gamma, Weight Beta, Weight Mean, Weight Var, double Epsilon)
{
    public void RequireChannels(long channels)
    {
        foreach (var w in new[] { Gamma, Beta, Mean, Var }) w.RequireShape(channels);
    }
}
