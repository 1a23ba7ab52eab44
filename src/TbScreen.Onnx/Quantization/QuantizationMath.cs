namespace TbScreen.Onnx.Quantization;

/// <summary>The integer type of quantised activations: S8S8 (int8 activations, int8 weights) or U8S8 (uint8, int8).</summary>
public enum ActivationType
{
    Int8,
    UInt8,
}

/// <summary>Quantisation parameters of one tensor: real = (q - ZeroPoint) * Scale.</summary>
public readonly record struct QuantParams(float Scale, int ZeroPoint);

/// <summary>
/// The arithmetic of static quantisation as ONNX Runtime's Python quantiser defines it (quant_utils.compute_scale_zp):
/// the range always includes 0; activations are asymmetric per tensor; weights are symmetric int8 per output channel
/// in [-127, 127]; biases are int32 with scale = input scale x weight scale and zero point 0. Rounding is
/// half-to-even, as QuantizeLinear and numpy.rint round.
/// </summary>
public static class QuantizationMath
{
    public const int WeightMax = 127;

    /// <summary>
    /// The weight bound of reduced range (ONNX Runtime's reduce_range: int8 symmetric in [-64, 64]). With it a u8 x s8
    /// pair sum stays within int16 (2 x 255 x 64 = 32640), so the AVX2 and AVX-512 (non-VNNI) U8S8 kernels, which add
    /// pairs with 16-bit saturation, compute the QDQ function exactly; VNNI CPUs do not need it.
    /// </summary>
    public const int ReducedWeightMax = 64;

    /// <summary>The symmetric weight bound for full (127) or reduced (64) range.</summary>
    public static int WeightBound(bool reduceRange) => reduceRange ? ReducedWeightMax : WeightMax;

    public static (int Min, int Max) Limits(ActivationType type) => type == ActivationType.Int8 ? (-128, 127) : (0, 255);

    /// <summary>Per-tensor asymmetric parameters for the calibrated range [min, max].</summary>
    public static QuantParams Activation(float min, float max, ActivationType type)
    {
        if (float.IsNaN(min) || float.IsNaN(max) || float.IsInfinity(min) || float.IsInfinity(max) || min > max)
        {
            throw new ArgumentException($"Invalid calibrated range [{min}, {max}].");
        }

        var (qmin, qmax) = Limits(type);
        double rmin = Math.Min(min, 0), rmax = Math.Max(max, 0);
        if (rmax == rmin) return new QuantParams(1f, 0);
        float scale = (float)((rmax - rmin) / (qmax - qmin));
        int zero = (int)Math.Round(qmin - rmin / scale, MidpointRounding.ToEven);
        return new QuantParams(scale, Math.Clamp(zero, qmin, qmax));
    }

    /// <summary>Symmetric per-output-channel scales (axis 0): max |w| of each channel / <paramref name="weightMax"/> (127, or 64 for reduced range); an all-zero channel gets 1.</summary>
    public static float[] ChannelScales(ReadOnlySpan<float> weight, long channels, int weightMax = WeightMax)
    {
        if (weightMax is not (WeightMax or ReducedWeightMax)) throw new ArgumentOutOfRangeException(nameof(weightMax), weightMax, "the weight bound is 127 or 64");
        if (channels < 1 || weight.Length % channels != 0)
        {
            throw new ArgumentException($"{weight.Length} weights do not split into {channels} output channels.");
        }

        int per = (int)(weight.Length / channels);
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float absMax = 0;
            foreach (float v in weight.Slice(c * per, per)) absMax = Math.Max(absMax, Math.Abs(v));
            scales[c] = absMax == 0 ? 1f : absMax / weightMax;
        }

        return scales;
    }

    /// <summary>int8 weights in [-weightMax, weightMax] for <paramref name="scales"/> (one per output channel, axis 0).</summary>
    public static sbyte[] QuantizeWeights(ReadOnlySpan<float> weight, float[] scales, int weightMax = WeightMax)
    {
        int per = weight.Length / scales.Length;
        var q = new sbyte[weight.Length];
        for (int i = 0; i < weight.Length; i++)
        {
            q[i] = (sbyte)Quantize(weight[i], new QuantParams(scales[i / per], 0), -weightMax, weightMax);
        }

        return q;
    }

    /// <summary>int32 bias: round(b / (inputScale x weightScale[c])), zero point 0.</summary>
    public static int[] QuantizeBias(ReadOnlySpan<float> bias, float inputScale, float[] weightScales)
    {
        if (bias.Length != weightScales.Length) throw new ArgumentException($"{bias.Length} biases for {weightScales.Length} channels.");
        var q = new int[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            double v = Math.Round(bias[c] / ((double)inputScale * weightScales[c]), MidpointRounding.ToEven);
            q[c] = (int)Math.Clamp(v, int.MinValue, int.MaxValue);
        }

        return q;
    }

    /// <summary>QuantizeLinear: clamp(round(x / scale) + zeroPoint, qmin, qmax).</summary>
    public static int Quantize(float x, QuantParams p, int qmin, int qmax)
    {
        double q = Math.Round(x / p.Scale, MidpointRounding.ToEven) + p.ZeroPoint;
        return (int)Math.Clamp(q, qmin, qmax);
    }

    /// <summary>DequantizeLinear: (q - zeroPoint) x scale.</summary>
    public static float Dequantize(int q, QuantParams p) => (q - p.ZeroPoint) * p.Scale;
}
