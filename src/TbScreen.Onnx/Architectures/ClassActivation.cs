using System.Text.Json;
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

    /// <summary>
    /// Global average pooling, the fc layer and (if asked) the CAM over <paramref name="features"/>, with the fc weights
    /// in the metadata; the pooled vector fc reads is attached as the <c>features</c> output.
    /// </summary>
    public static ExportedNet PooledHead(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o, Map4 features, string featuresLayer, IReadOnlyDictionary<string, string> extraMetadata)
    {
        var pooled = g.Flatten(g.GlobalAveragePool(features, "avgpool"), "flatten");
        var fcWeight = w.Get("fc.weight");
        var fcBias = w.Get("fc.bias");
        var logits = g.Linear(pooled, "fc", fcWeight, fcBias);

        // CAM(y, x) = sum_c (fc.weight[tb, c] - fc.weight[non-tb, c]) * features[c, y, x]: its spatial mean plus the
        // bias difference is the TB logit margin, so the map shows where the evidence for TB (against non-TB) lies.
        Map4? cam = o.IncludeCam ? g.Conv(features, "cam", CamWeight(fcWeight), null) : null;
        var metadata = new Dictionary<string, string>(extraMetadata)
        {
            ["tbscreen.cam.fc_weight"] = JsonSerializer.Serialize(Rows(fcWeight)),
            ["tbscreen.cam.fc_bias"] = JsonSerializer.Serialize(fcBias.Data),
        };
        return PenultimateFeatures.Attach(new ExportedNet(logits, features, featuresLayer, cam, metadata), pooled, "fc");
    }

    public static float[][] Rows(Weight weight)
    {
        int cols = (int)weight.Shape[1];
        return [.. Enumerable.Range(0, (int)weight.Shape[0]).Select(r => weight.Data.AsSpan(r * cols, cols).ToArray())];
    }
}
