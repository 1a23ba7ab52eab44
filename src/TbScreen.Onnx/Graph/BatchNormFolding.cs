namespace TbScreen.Onnx.Graph;

/// <summary>
/// Folds inference-mode BatchNorm into the conv before it:
/// s = gamma / sqrt(var + eps); W' = W * s (per output channel); b' = (b - mean) * s + beta. Computed in double.
/// </summary>
internal static class BatchNormFolding
{
    public static (Weight Weight, Weight Bias) Fold(Weight weight, Weight? bias, BatchNormWeights bn)
    {
        long outC = weight.Shape[0];
        bn.RequireChannels(outC);
        int perChannel = checked((int)(weight.Data.Length / outC));
        var w = new float[weight.Data.Length];
        var b = new float[outC];
        for (int c = 0; c < outC; c++)
        {
            double scale = bn.Gamma.Data[c] / Math.Sqrt(bn.Var.Data[c] + bn.Epsilon);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) w[i] = (float)(weight.Data[i] * scale);
            double original = bias?.Data[c] ?? 0.0;
            b[c] = (float)((original - bn.Mean.Data[c]) * scale + bn.Beta.Data[c]);
        }
        return (weight with { Data = w }, new Weight(BiasName(weight.Name), b, [outC]));
    }

    private static string BiasName(string weightName) =>
        weightName.EndsWith(".weight", StringComparison.Ordinal) ? weightName[..^".weight".Length] + ".bias" : weightName + ".bias";
}
