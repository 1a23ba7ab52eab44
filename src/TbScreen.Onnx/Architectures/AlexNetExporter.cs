using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Architectures;

/// <summary>
/// TorchVision's AlexNet (features.0/3/6/8/10, avgpool 6x6, classifier.1/4/6). Channel counts and hidden widths come
/// from the weight shapes, so slimmed or structurally pruned nets export unchanged. Dropout is omitted (inference).
/// Supported inputs: any size from 63x63 up; at 224 the feature map is already 6x6 and the adaptive pool vanishes.
/// </summary>
internal sealed class AlexNetExporter : INetExporter
{
    public bool IsIgnored(string key) => false;

    public ExportedNet Build(OnnxGraphBuilder g, WeightSet w, OnnxExportOptions o)
    {
        var first = w.Get("features.0.weight");
        var x = g.Input(OnnxModelExporter.InputName, first.Shape[1], o.InputHeight, o.InputWidth);

        x = g.Relu(g.Conv(x, "features.0", first, w.Get("features.0.bias"), stride: 4, pad: 2));
        x = g.MaxPool(x, "features.2", kernel: 3, stride: 2);
        x = g.Relu(g.Conv(x, "features.3", w.Get("features.3.weight"), w.Get("features.3.bias"), pad: 2));
        x = g.MaxPool(x, "features.5", kernel: 3, stride: 2);
        x = g.Relu(g.Conv(x, "features.6", w.Get("features.6.weight"), w.Get("features.6.bias"), pad: 1));
        x = g.Relu(g.Conv(x, "features.8", w.Get("features.8.weight"), w.Get("features.8.bias"), pad: 1));
        var lastConv = g.Relu(g.Conv(x, "features.10", w.Get("features.10.weight"), w.Get("features.10.bias"), pad: 1));
        x = g.MaxPool(lastConv, "features.12", kernel: 3, stride: 2);
        x = g.AdaptiveAvgPool(x, "avgpool", 6, 6);

        var v = g.Flatten(x, "flatten");
        v = g.Relu(g.Linear(v, "classifier.1", w.Get("classifier.1.weight"), w.Get("classifier.1.bias")));
        v = g.Relu(g.Linear(v, "classifier.4", w.Get("classifier.4.weight"), w.Get("classifier.4.bias")));
        var logits = g.Linear(v, "classifier.6", w.Get("classifier.6.weight"), w.Get("classifier.6.bias"));

        var metadata = new Dictionary<string, string>
        {
            ["tbscreen.alexnet.hidden"] = $"{w.Get("classifier.1.weight").Shape[0]},{w.Get("classifier.4.weight").Shape[0]}",
        };
        // v (after classifier.4's ReLU; dropout is identity at inference) is exactly what classifier.6 reads.
        return PenultimateFeatures.Attach(new ExportedNet(logits, lastConv, "features.11", null, metadata), v, "classifier.6");
    }
}
