using Google.Protobuf;
using Onnx;

namespace TbScreen.Inference.Tests.TestModels;

/// <summary>
/// A tiny real ONNX graph built with OnnxSharp's protobuf classes (as the exporter does), so ONNX Runtime runs for
/// real in tests: input [N,3,8,8] -> AveragePool 2x2 = features [N,3,4,4] -> GlobalAveragePool -> Flatten -> Gemm
/// -> Softmax = probability [N,2]; cam = Squeeze(Conv1x1(features, W[tb] - W[non-tb])) = [N,4,4]; optionally
/// <see cref="EmbeddingOutput"/> [N,3] = the flattened pooled vector the Gemm reads (each channel's mean).
/// </summary>
internal static class TinyOnnxModel
{
    public const int Size = 8;
    public const int CamSize = 4;
    public const string EmbeddingOutput = "embedding";

    /// <summary>Logit of class k = sum_c weights[k][c] * mean(features[c]) + bias[k].</summary>
    public static byte[] Build(float[][] weights, float[] bias, bool withCam, bool camAsRank4 = false, bool withFeatures = false)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value("input", "N", 3, Size, Size));
        graph.Output.Add(Value("probability", "N", 2));
        graph.Initializer.Add(Floats("W", [2, 3], weights.SelectMany(w => w).ToArray()));
        graph.Initializer.Add(Floats("B", [2], bias));
        graph.Node.Add(Node("AveragePool", ["input"], "features", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Node.Add(Node("GlobalAveragePool", ["features"], "pooled"));
        graph.Node.Add(Node("Flatten", ["pooled"], "flat", Int("axis", 1)));
        graph.Node.Add(Node("Gemm", ["flat", "W", "B"], "logits", Int("transB", 1)));
        graph.Node.Add(Node("Softmax", ["logits"], "probability", Int("axis", 1)));
        if (withFeatures)
        {
            graph.Node.Add(Node("Identity", ["flat"], EmbeddingOutput));
            graph.Output.Add(Value(EmbeddingOutput, "N", 3));
        }
        if (withCam)
        {
            float[] diff = [.. weights[1].Zip(weights[0], (tb, normal) => tb - normal)];
            graph.Initializer.Add(Floats("Wcam", [1, 3, 1, 1], diff));
            string conv = camAsRank4 ? "cam" : "cam4";
            graph.Node.Add(Node("Conv", ["features", "Wcam"], conv));
            if (camAsRank4)
            {
                graph.Output.Add(Value("cam", "N", 1, CamSize, CamSize));
            }
            else
            {
                var axes = new TensorProto { Name = "squeeze_axes", DataType = 7 };
                axes.Dims.Add(1);
                axes.Int64Data.Add(1);
                graph.Initializer.Add(axes);
                graph.Node.Add(Node("Squeeze", ["cam4", "squeeze_axes"], "cam"));
                graph.Output.Add(Value("cam", "N", CamSize, CamSize));
            }
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "tbscreen-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, string batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    private static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = 1 };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
