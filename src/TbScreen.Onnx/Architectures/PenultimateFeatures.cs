using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// The reusable step behind the <c>features</c> output: every architecture ends in pooled vector -> final Linear, and
/// that vector is what the out-of-distribution detector models. An exporter calls <see cref="Attach"/> with the
/// vector and the final layer's name; <see cref="OnnxModelExporter"/> then emits it when
/// <see cref="OnnxExportOptions.IncludeFeatures"/> is set.
/// </summary>
internal static class PenultimateFeatures
{
    public static ExportedNet Attach(ExportedNet net, Vec2 finalLayerInput, string finalLayerName) =>
        net with { Penultimate = finalLayerInput, PenultimateLayer = finalLayerName };

    /// <summary>Adds the <c>features</c> graph output [batch, D]; false when the architecture provides no vector.</summary>
    public static bool AddOutput(OnnxGraphBuilder graph, ExportedNet net)
    {
        if (net.Penultimate is null) return false;
        graph.Output(net.Penultimate, OnnxModelExporter.FeaturesOutput);
        return true;
    }
}
