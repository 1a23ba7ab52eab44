namespace TbScreen.Onnx.Tests;

/// <summary>Loop-by-loop references for one image [C, H, W], written from the PyTorch definitions.</summary>
internal static class NaiveOps
{
    public static float[] Conv2d(float[] x, int c, int h, int w, float[] weight, int outC, int k, float[]? bias,
        int stride, int pad, int dilation, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        ow = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int inPerGroup = c / groups, outPerGroup = outC / groups;
        var y = new float[outC * oh * ow];
        for (int o = 0; o < outC; o++)
        {
            int g = o / outPerGroup;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double sum = bias?[o] ?? 0;
                for (int ci = 0; ci < inPerGroup; ci++)
                for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++)
                {
                    int r = i * stride - pad + u * dilation, s = j * stride - pad + v * dilation;
                    if (r < 0 || r >= h || s < 0 || s >= w) continue;
                    sum += x[((g * inPerGroup + ci) * h + r) * w + s] * weight[((o * inPerGroup + ci) * k + u) * k + v];
                }
                y[(o * oh + i) * ow + j] = (float)sum;
            }
        }
        return y;
    }

    public static float[] AdaptiveAvgPool(float[] x, int c, int h, int w, int oh, int ow)
    {
        var y = new float[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int r0 = i * h / oh, r1 = ((i + 1) * h + oh - 1) / oh;
            int s0 = j * w / ow, s1 = ((j + 1) * w + ow - 1) / ow;
            double sum = 0;
            for (int r = r0; r < r1; r++) for (int s = s0; s < s1; s++) sum += x[(ch * h + r) * w + s];
            y[(ch * oh + i) * ow + j] = (float)(sum / ((r1 - r0) * (s1 - s0)));
        }
        return y;
    }

    public static float[] Random(Random rng, int count, float scale = 1f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return data;
    }
}
