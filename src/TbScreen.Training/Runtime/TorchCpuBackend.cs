using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Runtime;

/// <summary>
/// Turns off libtorch's oneDNN (MKLDNN) CPU backend, as PyTorch's <c>torch.backends.mkldnn.enabled = False</c> does
/// (TorchSharp 0.107 exposes no such switch, so this calls at::globalContext().setUserEnabledMkldnn(false) in
/// libtorch_cpu). The oneDNN v3.7.1 inside libtorch-cpu 2.10.0 computes wrong fp32 convolutions, even NaN, at batch
/// &gt; 1 when a layer's input channels do not fill its vector block: with the AVX-512 kernels e.g. 24-&gt;64 channels,
/// 3x3, 14x14, batch 2 (GoogLeNet's inception4b.branch3.1) differed from float64 by NaN or 0.57, and capping oneDNN
/// at AVX2 (ONEDNN_MAX_CPU_ISA) still left pruned GoogLeNets 0.05 off; only SSE4.1 or no oneDNN was right. ATen's own
/// convolution (the path batch 1 already took) agrees with float64 within 1e-6. See docs/onnx-export.md.
/// <para>Set TBSCREEN_TORCH_MKLDNN=1 to keep oneDNN (e.g. to watch TorchKernelTests fail on an affected CPU).</para>
/// </summary>
public static unsafe class TorchCpuBackend
{
    public const string KeepVariable = "TBSCREEN_TORCH_MKLDNN";

    private static readonly Lock Gate = new();
    private static bool _applied;

#pragma warning disable CA2255 // deliberate: must run before the first convolution of any caller of this assembly
    [ModuleInitializer]
    internal static void Initialize()
    {
        // Commands that never reach libtorch must not fail here; those that do would fail on their own first op.
        try { Apply(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            Console.Error.WriteLine($"warning: could not turn off libtorch's oneDNN ({e.GetType().Name}: {e.Message}); TorchSharp convolutions may be wrong on AVX-512 CPUs (docs/onnx-export.md).");
        }
    }
#pragma warning restore CA2255

    /// <summary>Idempotent; takes effect for every later op (libtorch checks the flag per call).</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (_applied) return;
            _applied = true;
            if (Environment.GetEnvironmentVariable(KeepVariable) == "1") return;
            SetMkldnnEnabled(false);
        }
    }

    /// <summary>Whether libtorch will use oneDNN (at::globalContext().userEnabledMkldnn()).</summary>
    public static bool MkldnnEnabled()
    {
        var lib = Library();
        var get = (delegate* unmanaged<IntPtr, byte>)NativeLibrary.GetExport(lib, "_ZNK2at7Context17userEnabledMkldnnEv");
        return get(GlobalContext(lib)) != 0;
    }

    private static void SetMkldnnEnabled(bool enabled)
    {
        var lib = Library();
        var set = (delegate* unmanaged<IntPtr, byte, void>)NativeLibrary.GetExport(lib, "_ZN2at7Context20setUserEnabledMkldnnEb");
        set(GlobalContext(lib), enabled ? (byte)1 : (byte)0);
    }

    private static IntPtr Library()
    {
        InitializeDeviceType(DeviceType.CPU); // TorchSharp loads libtorch_cpu; dlopen by soname then returns it
        return NativeLibrary.Load("libtorch_cpu.so");
    }

    private static IntPtr GlobalContext(IntPtr lib) =>
        ((delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "_ZN2at13globalContextEv"))();
}
