namespace TbScreen.Onnx.Graph;

/// <summary>PyTorch's adaptive average pooling as a matrix: output i averages input [floor(i*n/m), ceil((i+1)*n/m)).</summary>
internal static class AdaptivePooling
{
    /// <summary>The [outSize, inSize] averaging matrix, or its [inSize, outSize] transpose.</summary>
    public static float[] Matrix(long inSize, long outSize, bool transpose)
    {
        var m = new float[inSize * outSize];
        for (long i = 0; i < outSize; i++)
        {
            long start = i * inSize / outSize;
            long end = ((i + 1) * inSize + outSize - 1) / outSize;
            float weight = 1f / (end - start);
            for (long j = start; j < end; j++) m[transpose ? j * outSize + i : i * inSize + j] = weight;
        }
        return m;
    }
}
