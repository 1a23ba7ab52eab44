using TbScreen.Inference.Runtime;

namespace TbScreen.Training.Robustness;

/// <summary>Settings of the float32-vs-INT8 attack comparison; all of them go into the report.</summary>
public sealed record QuantizedAttackOptions
{
    /// <summary>Linf radius in [0,1] image units (1/255: one grey level).</summary>
    public double Epsilon { get; init; } = 1 / 255.0;

    /// <summary>PGD-5 by default, the setting of the shipped float32 robustness reports (docs/robustness.md), so the two compare.</summary>
    public PgdOptions Pgd { get; init; } = new() { Steps = 5 };

    public LipschitzOptions Lipschitz { get; init; } = new();

    public int Seed { get; init; } = 1;

    public int BatchSize { get; init; } = 8;

    public int Threads { get; init; } = 1;

    /// <summary>
    /// Run the INT8 graphs with optimisations off, so they compute their QDQ arithmetic on any CPU instead of this
    /// CPU's fused integer kernels (which saturate with full-range weights where there is no VNNI).
    /// </summary>
    public bool QdqArithmetic { get; init; }

    public int ParityImages { get; init; } = 4;

    public double ParityTolerance { get; init; } = CheckpointParity.DefaultTolerance;

    public int BootstrapReplicates { get; init; } = 2000;

    public void Validate()
    {
        Pgd.Validate();
        Lipschitz.Validate();
        if (!(Epsilon > 0 && Epsilon < 1) || BatchSize < 1 || Threads < 1 || ParityImages < 1 || !(ParityTolerance > 0) || BootstrapReplicates < 100)
        {
            throw new ArgumentException("Epsilon in (0,1), batch, threads and parity images >= 1, a positive parity tolerance and >= 100 bootstrap replicates.");
        }
    }
}

/// <summary>f = the ensemble's probability vector; mean with a 95% percentile-bootstrap CI over images.</summary>
public sealed record LipschitzSummary(string Output, double Mean, double[] MeanCi, double Median, double Max);

/// <param name="Method">"white-box" (float32 TorchSharp), "bpda" (INT8 forward, float32 gradient) or "transfer" (the float32 attack's iterates scored on INT8).</param>
/// <param name="Flipped">Calls right on the clean image and wrong at some attack iterate.</param>
public sealed record AttackSummary(string Target, string Method, double Threshold, int Images, double CleanAccuracy, double RobustAccuracy, int Flipped, LipschitzSummary? Lipschitz);

/// <param name="OnnxSha256">SHA-256 of the model.onnx file that was run.</param>
/// <param name="Source">For an INT8 member, the float32 bundle whose net gives the BPDA gradient.</param>
/// <param name="ParityMaxDifference">For a float32 member, max |P_torch - P_onnx| of the net imported from its graph.</param>
public sealed record MemberRecord(string Bundle, string OnnxSha256, string? Source, double? ParityMaxDifference)
{
    /// <summary>For an INT8 member, how its session computed it (fused kernels of this CPU, or QDQ arithmetic).</summary>
    public string? Int8Arithmetic { get; init; }
}

public sealed record QuantizedPerImage(
    IReadOnlyList<string> Files,
    IReadOnlyList<bool> Labels,
    IReadOnlyList<double> Fp32Clean,
    IReadOnlyList<double> Int8Clean,
    IReadOnlyList<bool> Fp32Robust,
    IReadOnlyList<bool> Int8BpdaRobust,
    IReadOnlyList<bool> Int8TransferRobust,
    IReadOnlyList<double> Fp32Lipschitz,
    IReadOnlyList<double> Int8Lipschitz);

/// <summary>INT8 minus FP32 over the same images: mean with a 95% percentile-bootstrap CI (paired: images resampled together).</summary>
public sealed record QuantizedDifference(double Mean, double[] Ci);

/// <param name="RobustAccuracyDifference">BPDA robust accuracy minus FP32 white-box robust accuracy.</param>
/// <param name="LipschitzDifference">INT8 minus FP32 Lipschitz estimate.</param>
public sealed record QuantizedPairResult(
    string Fp32Ensemble,
    string Int8Ensemble,
    IReadOnlyList<MemberRecord> Fp32Members,
    IReadOnlyList<MemberRecord> Int8Members,
    AttackSummary Fp32WhiteBox,
    AttackSummary Int8Bpda,
    AttackSummary Int8Transfer,
    QuantizedDifference RobustAccuracyDifference,
    QuantizedDifference LipschitzDifference,
    QuantizedPerImage PerImage,
    double ElapsedSeconds);

/// <summary>What the attacks did, as recorded in the report.</summary>
public sealed record QuantizedAttackSettings(
    double Epsilon, double GreyLevels, int PgdSteps, double PgdStepSize, bool PgdRandomStart, int PgdRestarts,
    int LipschitzSteps, double LipschitzStepSize, double LipschitzInitialNoise, string LipschitzOutput, int Seed, int BatchSize, int Threads, string Method)
{
    /// <summary>How the INT8 forward was computed (<see cref="Int8Kernels.Arithmetic"/>); null in reports written before it was recorded.</summary>
    public string? Int8Arithmetic { get; init; }

    public static QuantizedAttackSettings From(QuantizedAttackOptions o) => new(
        o.Epsilon, o.Epsilon * 255, o.Pgd.Steps, o.Pgd.StepFor(o.Epsilon), o.Pgd.RandomStart, o.Pgd.Restarts,
        o.Lipschitz.Steps, o.Lipschitz.StepSize, o.Lipschitz.InitialNoise, "probabilities (the ensemble's mean of member probabilities)", o.Seed, o.BatchSize, o.Threads,
        "Untargeted Linf PGD on the true label (maximise -log P(true class)); robust = the call at the ensemble's threshold is right at the clean image and at every iterate. " +
        "FP32: white-box in TorchSharp on nets imported from the bundles' model.onnx (parity-checked against ONNX Runtime). " +
        "INT8 BPDA (Athalye et al. 2018): values, softmax weights of the loss, success and the Lipschitz ratio from the INT8 graph in ONNX Runtime; gradient from the float32 source net (quantise-dequantise as identity on the backward pass). " +
        "INT8 transfer: every iterate of the FP32 white-box PGD scored on INT8. Random starts and Lipschitz noise are seeded by (seed, batch), the same for FP32 and INT8.")
    {
        Int8Arithmetic = Int8Kernels.Arithmetic(o.QdqArithmetic),
    };
}

/// <summary>quantization-pgd.json: the pairs, the data and the settings.</summary>
public sealed record QuantizedRobustnessFile(
    string Note, string Manifest, string? Split, string? SplitFile, int Images, int Positives, string Subset,
    QuantizedAttackSettings Settings, IReadOnlyList<QuantizedPairResult> Pairs)
{
    /// <summary>Where the INT8 graphs ran; their outputs depend on it (<see cref="CpuDescription"/>).</summary>
    public CpuDescription Cpu { get; init; } = CpuDescription.Current();
}

/// <summary>
/// The CPU the INT8 graphs ran on. ONNX Runtime's U8S8 kernels differ by instruction set: without VNNI (AVX2, or
/// AVX-512 without VNNI) their 16-bit intermediate sums can saturate (ONNX Runtime's quantisation guide), so the same
/// INT8 model.onnx computes a different function there.
/// </summary>
/// <param name="Flags">The x86 flags that pick the kernel, from /proc/cpuinfo (empty where it cannot be read).</param>
public sealed record CpuDescription(string Model, IReadOnlyList<string> Flags)
{
    private static readonly string[] KernelFlags = ["avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8"];

    public static CpuDescription Current()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return new CpuDescription(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), []);
        }

        var lines = File.ReadLines(path).Take(64).ToArray();
        string model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return new CpuDescription(model, KernelFlags.Where(flags.Contains).ToArray());
    }
}
