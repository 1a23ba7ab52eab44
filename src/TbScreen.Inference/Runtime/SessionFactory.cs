using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace TbScreen.Inference.Runtime;

/// <summary>Creates sessions: CUDA when asked and available, otherwise CPU, logging why CUDA was not used.</summary>
internal static class SessionFactory
{
    public static (InferenceSession Session, string Provider) Create(string onnxPath, InferenceOptions options, ILogger logger)
    {
        if (options.UseCuda)
        {
            SessionOptions? cuda = null;
            try
            {
                cuda = BaseOptions(options);
                cuda.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                // The provider library loads CUDA 13/cuDNN 9 lazily: a missing library can surface here rather than above.
                var session = new InferenceSession(onnxPath, cuda);
                return (session, "CUDA");
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                logger.LogWarning(
                    "CUDA execution provider unavailable for {Model} ({Reason}); falling back to CPU. A GPU build needs -p:OnnxRuntimeGpu=true and CUDA 13 with cuDNN 9.",
                    onnxPath,
                    e.Message);
            }
            finally
            {
                cuda?.Dispose();
            }
        }

        using var cpu = BaseOptions(options);
        return (new InferenceSession(onnxPath, cpu), "CPU");
    }

    private static SessionOptions BaseOptions(InferenceOptions options)
    {
        var session = new SessionOptions
        {
            GraphOptimizationLevel = options.QdqArithmetic ? GraphOptimizationLevel.ORT_DISABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // One inter-op thread: our graphs are chains, and requests already run in parallel.
            InterOpNumThreads = 1,
        };
        if (options.IntraOpThreads > 0)
        {
            session.IntraOpNumThreads = options.IntraOpThreads;
        }

        return session;
    }
}
