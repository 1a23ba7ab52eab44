using Onnx;

namespace TbScreen.Onnx.Graph;

/// <summary>
/// Appends ONNX nodes and initializers for the layer types our nets use, tracking static C/H/W so that
/// shape mistakes (a mis-pruned weight, a too-small input) fail at export, not in ONNX Runtime.
/// </summary>
internal sealed partial class OnnxGraphBuilder(bool float16Weights, params string[] outputNames)
{
    public const string BatchDim = "batch";

    private readonly GraphProto _graph = new() { Name = "tbscreen" };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    // Output names are kept free for Output(), so an internal value such as a layer called "cam" cannot take them.
    private readonly HashSet<string> _outputNames = new(outputNames, StringComparer.Ordinal);

    public GraphProto Graph => _graph;

    public Map4 Input(string name, long channels, long height, long width)
    {
        Reserve(name);
        _graph.Input.Add(ValueInfo(name, channels, height, width));
        return new Map4(name, channels, height, width);
    }

    public void Output(Map4 value, string name) => AddOutput(value.Name, name, ValueInfo(name, value.Channels, value.Height, value.Width));

    public void Output(Vec2 value, string name) => AddOutput(value.Name, name, ValueInfo(name, value.Features));

    /// <summary>A float initializer; weights (rank >= 2) go to float16 + Cast when asked, biases and constants stay float32.</summary>
    public string Constant(string name, ReadOnlySpan<float> data, long[] shape, bool mayBeHalf = true)
    {
        if (float16Weights && mayBeHalf && shape.Length >= 2)
        {
            string stored = Unique(name + "_fp16");
            _graph.Initializer.Add(TensorData.Half(stored, data, shape));
            string cast = Unique(name);
            Node("Cast", [stored], cast, AttrInt("to", (long)TensorProto.Types.DataType.Float));
            return cast;
        }
        string unique = Unique(name);
        _graph.Initializer.Add(TensorData.Float(unique, data, shape));
        return unique;
    }

    /// <summary>Reserves a value name, suffixing a counter when it is taken.</summary>
    public string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; _outputNames.Contains(candidate) || !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    private void Reserve(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"Value name '{name}' is already used.");
    }

    private void AddOutput(string valueName, string outputName, ValueInfoProto info)
    {
        // Graph outputs need their own names; an Identity keeps the internal name intact.
        Reserve(outputName);
        Node("Identity", [valueName], outputName);
        _graph.Output.Add(info);
    }

    private NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{output}/{opType}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node;
    }

    private static ValueInfoProto ValueInfo(string name, params long[] staticDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (long d in staticDims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static AttributeProto AttrInt(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto AttrFloat(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto AttrInts(string name, params long[] values)
    {
        var attr = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attr.Ints.AddRange(values);
        return attr;
    }
}
