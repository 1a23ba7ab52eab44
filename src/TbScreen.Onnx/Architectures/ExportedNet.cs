using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>What an architecture hands back to the exporter: the logits, the map CAM uses, and metadata of its own.</summary>
internal sealed record ExportedNet(Vec2 Logits, Map4 Features, string FeaturesLayer, Map4? Cam, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Writes one TorchVision architecture into a graph from its state_dict names.</summary>
internal interface INetExporter
{
    /// <summary>State-dict keys that exist in the training model but not in the deployed graph.</summary>
    bool IsIgnored(string key);

    ExportedNet Build(OnnxGraphBuilder graph, WeightSet weights, OnnxExportOptions options);
}
