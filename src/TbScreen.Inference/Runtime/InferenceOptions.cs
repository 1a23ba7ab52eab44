namespace TbScreen.Inference.Runtime;

/// <summary>How ONNX Runtime sessions are created. Defaults suit a shared web process on a small CPU machine.</summary>
public sealed record InferenceOptions
{
    /// <summary>Threads one Run may use inside an operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Try the CUDA execution provider first; missing CUDA/cuDNN or a CPU-only build falls back to CPU with a warning.</summary>
    public bool UseCuda { get; init; }

    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Graph optimisations off, so an INT8 (QDQ) bundle computes the arithmetic its graph defines instead of running
    /// through fused integer kernels: the function a VNNI CPU computes, on any CPU (slower; for measuring, not serving).
    /// </summary>
    public bool QdqArithmetic { get; init; }

    /// <summary>Largest batch sent to one Run; larger requests are split (bounds peak memory).</summary>
    public int MaxBatchSize { get; init; } = 16;

    public static InferenceOptions Default { get; } = new();
}
