using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// What an architecture hands back to the exporter: the logits, the last conv map (<c>feature_map</c>, the map CAM
/// uses), the CAM, and metadata of its own. <see cref="Penultimate"/> is the pooled vector the final linear layer
/// reads; set it (one line, see <see cref="PenultimateFeatures"/>) and the exporter adds the <c>features</c> output.
/// </summary>
internal sealed record ExportedNet(Vec2 Logits, Map4 FeatureMap, string FeaturesLayer, Map4? Cam, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The final linear layer's input [N, D] (the out-of-distribution detector's features), or null.</summary>
    public Vec2? Penultimate { get; init; }

    /// <summary>The state_dict name of the layer whose input <see cref="Penultimate"/> is, e.g. "fc" or "classifier.6".</summary>
    public string? PenultimateLayer { get; init; }
}

/// <summary>Writes one TorchVision architecture into a graph from its state_dict names.</summary>
internal interface INetExporter
{
    /// <summary>State-dict keys that exist in the training model but not in the deployed graph.</summary>
    bool IsIgnored(string key);

    ExportedNet Build(OnnxGraphBuilder graph, WeightSet weights, OnnxExportOptions options);
}
