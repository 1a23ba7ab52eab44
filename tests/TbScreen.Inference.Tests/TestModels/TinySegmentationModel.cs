using Google.Protobuf;
using Onnx;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;

namespace TbScreen.Inference.Tests.TestModels;

/// <summary>
/// A one-op "segmenter" ONNX Runtime really runs: probability = Sigmoid(-4 * input) on [N,1,16,16], so dark pixels (lungs
/// on a film) score above 0.5. Enough to test resampling, post-processing and the bundle plumbing without a trained net.
/// </summary>
internal static class TinySegmentationModel
{
    public const int Size = 16;

    public static InputContract Contract { get; } = new() { Size = Size, Channels = 1 };

    public static byte[] Build()
    {
        var graph = new GraphProto { Name = "tiny-segmenter" };
        graph.Input.Add(Value("input"));
        graph.Output.Add(Value("probability"));
        var scale = new TensorProto { Name = "scale", DataType = 1 };
        scale.FloatData.Add(-4f);
        graph.Initializer.Add(scale);
        graph.Node.Add(Node("Mul", ["input", "scale"], "scaled"));
        graph.Node.Add(Node("Sigmoid", ["scaled"], "probability"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "tbscreen-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    public static SegmentationMetadata Metadata(string name) => new()
    {
        SchemaVersion = ModelMetadata.CurrentSchemaVersion,
        Task = SegmentationMetadata.SegmentationTask,
        Name = name,
        Version = "0.0.1",
        Architecture = "sigmoid-test",
        Input = Contract,
        Onnx = new OnnxTensorNames { Input = "input", Probability = "probability" },
        Training = new TrainingDataSummary { Dataset = "none (test model)" },
    };

    /// <summary>Writes model.onnx and stamped metadata.json into modelsDir/name.</summary>
    public static string WriteBundle(string modelsDir, string name = "lungs")
    {
        string dir = Path.Combine(modelsDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, ModelBundle.OnnxFileName), Build());
        SegmentationBundle.WriteMetadata(dir, Metadata(name));
        return dir;
    }

    private static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (long d in new long[] { 1, Size, Size })
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
