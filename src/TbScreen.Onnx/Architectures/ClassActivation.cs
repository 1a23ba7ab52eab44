using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>The CAM weight and metadata shared by nets that pool globally before one fc layer (GoogLeNet, ResNet-18).</summary>
internal static class ClassActivation
{
    /// <summary>fc.weight[tb] - fc.weight[non-tb] as a 1x1 conv weight [1, C, 1, 1] (docs/model-bundles.md).</summary>
    public static Weight CamWeight(Weight fcWeight)
    {
        if (fcWeight.Shape[0] != 2)
        {
            throw new OnnxExportException($"The cam output needs a two-class fc layer (non-TB, TB); fc.weight has {fcWeight.Shape[0]} rows.");
        }

        long channels = fcWeight.Shape[1];
        var difference = new float[channels];
        for (long c = 0; c < channels; c++)
        {
            difference[c] = fcWeight.Data[channels + c] - fcWeight.Data[c];
        }

        return new Weight("cam.weight", difference, [1, channels, 1, 1]);
    }

    public static float[][] Rows(Weight weight)
    {
        int cols = (int)weight.Shape[1];
        return [.. Enumerable.Range(0, (int)weight.Shape[0]).Select(r => weight.Data.AsSpan(r * cols, cols).ToArray())];
    }
}
