using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TbScreen.Onnx.Graph;

/// <summary>Builds initializer TensorProtos with little-endian raw_data (compact, and what ONNX Runtime reads fastest).</summary>
internal static class TensorData
{
    public static TensorProto Float(string name, ReadOnlySpan<float> data, long[] shape)
    {
        RequireLittleEndian();
        return Tensor(name, TensorProto.Types.DataType.Float, shape, MemoryMarshal.AsBytes(data));
    }

    /// <summary>Rounds to nearest-even float16; a value beyond float16's range (65504) is an error, not a silent infinity.</summary>
    public static TensorProto Half(string name, ReadOnlySpan<float> data, long[] shape)
    {
        RequireLittleEndian();
        var halves = new ushort[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            var h = (System.Half)data[i];
            if (System.Half.IsInfinity(h) && !float.IsInfinity(data[i]))
                throw new OnnxExportException($"Weight '{name}' holds {data[i]}, beyond float16's range; export it as float32.");
            halves[i] = BitConverter.HalfToUInt16Bits(h);
        }
        return Tensor(name, TensorProto.Types.DataType.Float16, shape, MemoryMarshal.AsBytes(halves.AsSpan()));
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, long[] shape, ReadOnlySpan<byte> raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this exporter writes it by memory copy.");
    }
}
