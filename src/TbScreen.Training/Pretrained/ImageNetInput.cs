using TbScreen.Imaging;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// What the CNTK ResNet-18 expects and how our model input reaches it. The package's ResNetPreprocess.onnx takes RGB on
/// the 0..255 scale, reorders it to BGR and subtracts a 224x224 ImageNet mean image; there is no division by a std.
/// Our input is a grey plane g in [0,1], normalised as x = (g - mean) / std and replicated to 3 channels, so the net's
/// channel c gets 255 g - m[c] = 255 std x + (255 mean - m[c]): one fixed per-channel affine, the first layer of
/// <see cref="Models.ResNet18Classifier"/> and of its ONNX graph. m[c] is the mean image's average per channel (BGR);
/// the per-pixel image is tied to 224 px ImageNet framing and would not carry over to other sizes.
/// </summary>
public static class ImageNetInput
{
    /// <summary>Per-channel averages of ResNetPreprocess.onnx's MeanImage, in the net's BGR order, 0..255 scale (a test re-derives them).</summary>
    public static IReadOnlyList<float> ChannelMeansBgr { get; } = [103.062622f, 115.902885f, 123.151634f];

    /// <summary>The affine for a contract's normalisation: net input = scale * x + shift[c].</summary>
    public static (float Scale, float[] Shift) Affine(InputContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        float scale = 255f * contract.Std;
        return (scale, [.. ChannelMeansBgr.Select(m => 255f * contract.Mean - m)]);
    }
}
