using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TbScreen.Onnx.Graph;

/// <summary>
/// Moves mostly-zero float32 weight initializers into the graph's sparse_initializer list (ONNX SparseTensorProto:
/// values [NNZ] float32, indices [NNZ] int64 row-major flat positions, dims the dense shape).
/// </summary>
internal static class SparseInitializers
{
    /// <summary>Returns how many initializers were converted.</summary>
    public static int Convert(GraphProto graph, double minimumZeroFraction)
    {
        if (minimumZeroFraction is < 0 or > 1) throw new OnnxExportException("SparseMinimumZeroFraction must be in [0, 1].");
        int converted = 0;
        foreach (var initializer in graph.Initializer.ToList())
        {
            if (initializer.DataType != (int)TensorProto.Types.DataType.Float || initializer.Dims.Count < 2 || initializer.RawData.IsEmpty) continue;
            var values = MemoryMarshal.Cast<byte, float>(initializer.RawData.Span);
            int nonZero = 0;
            foreach (float v in values) if (v != 0f) nonZero++;
            if (values.Length == 0 || 1 - (double)nonZero / values.Length < minimumZeroFraction) continue;

            // A fully pruned weight keeps one explicit zero: an empty values tensor is legal ONNX, but a risk for readers.
            int stored = Math.Max(1, nonZero);
            var kept = new float[stored];
            var indices = new long[stored];
            for (int i = 0, k = 0; i < values.Length && k < nonZero; i++)
            {
                if (values[i] == 0f) continue;
                kept[k] = values[i];
                indices[k++] = i;
            }

            var valueTensor = new TensorProto { Name = initializer.Name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(kept.AsSpan())) };
            valueTensor.Dims.Add(stored);
            var indexTensor = new TensorProto { Name = initializer.Name + "_indices", DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(indices.AsSpan())) };
            indexTensor.Dims.Add(stored);
            var sparse = new SparseTensorProto { Values = valueTensor, Indices = indexTensor };
            sparse.Dims.AddRange(initializer.Dims);
            graph.Initializer.Remove(initializer);
            graph.SparseInitializer.Add(sparse);
            converted++;
        }

        return converted;
    }
}
