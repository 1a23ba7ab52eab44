using System.Runtime.Intrinsics.X86;
using TbScreen.Inference.Bundles;

namespace TbScreen.Inference.Runtime;

/// <summary>
/// Whether this CPU runs an INT8 bundle as it was quantised. ONNX Runtime's U8S8 integer kernels on x64 without VNNI
/// (AVX2, AVX-512 without VNNI) add u8 x s8 pairs with 16-bit saturation, so full-range int8 weights can overflow and
/// the model computes another function (measured: mean |p(INT8) - p(FP32)| 0.03-0.06 instead of 0.001-0.005;
/// docs/quantization.md, "CPU dependence"). Reduced-range weights ([-64, 64]) keep every pair sum within int16.
/// </summary>
public static class Int8Kernels
{
    /// <summary>AVX-512 VNNI or AVX-VNNI, read from CPUID leaf 7 (and the OS must enable the AVX state to use them).</summary>
    public static bool HasVnni { get; } = DetectVnni();

    /// <summary>True on x64 CPUs; other architectures use other kernels, which this check does not cover.</summary>
    public static bool IsX64 { get; } = X86Base.IsSupported;

    /// <summary>
    /// Why the bundle's integer kernels may not compute its quantised function on this CPU, or null when they do:
    /// uint8 activations with full-range weights on an x64 CPU without VNNI.
    /// </summary>
    public static string? SaturationRisk(ModelQuantization? quantization) =>
        SaturationRisk(quantization, IsX64, HasVnni);

    /// <summary>The rule itself, for any CPU (tests pass the CPU's properties).</summary>
    public static string? SaturationRisk(ModelQuantization? quantization, bool x64, bool vnni)
    {
        if (quantization is null || !x64 || vnni || quantization.ReduceRange || quantization.Activations != "uint8") return null;
        return "this CPU has no VNNI, so ONNX Runtime's U8S8 integer kernels can saturate with full-range int8 weights and the " +
               "scores can differ from those the bundle's metrics describe; serve a reduced-range INT8 ensemble here " +
               "(ensemble-avx2-int8.json, or a bundle made with `tbscreen quantize --reduce-range`) or the float32 one " +
               "(docs/quantization.md, \"CPU dependence\")";
    }

    /// <summary>How INT8 scores were computed, for reports: they compare across CPUs only in QDQ arithmetic.</summary>
    public static string Arithmetic(bool qdqArithmetic) => qdqArithmetic
        ? "in QDQ arithmetic (graph optimisations off: the function the graph defines, on any CPU)"
        : $"through this CPU's fused integer kernels (VNNI: {(HasVnni ? "yes" : "no")})";

    private static bool DetectVnni()
    {
        if (!X86Base.IsSupported || !Avx2.IsSupported) return false;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7) return false;
        var (_, _, leaf7Ecx, _) = X86Base.CpuId(7, 0);
        bool avx512Vnni = (leaf7Ecx & (1 << 11)) != 0 && Avx512F.IsSupported;
        var (leaf71Eax, _, _, _) = X86Base.CpuId(7, 1);
        bool avxVnni = (leaf71Eax & (1 << 4)) != 0;
        return avx512Vnni || avxVnni;
    }
}
