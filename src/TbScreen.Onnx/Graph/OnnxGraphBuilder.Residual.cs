namespace TbScreen.Onnx.Graph;

/// <summary>Residual connections (ResNet): an elementwise Add of two maps of the same static shape.</summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>y = a + b; both maps must agree in channels and size (a shortcut without its projection fails here, naming both).</summary>
    public Map4 Add(Map4 a, Map4 b, string name)
    {
        if (a.Channels != b.Channels || a.Height != b.Height || a.Width != b.Width)
            throw new OnnxExportException($"Residual '{name}' adds maps of different shapes: {a} and {b}.");
        string output = Unique(name);
        Node("Add", [a.Name, b.Name], output);
        return a with { Name = output };
    }
}
