using TbScreen.Inference.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Robustness;

/// <summary>
/// BPDA, the straight-through attack on a graph without gradients (Athalye et al. 2018): the values are the ONNX
/// Runtime graph's (here an INT8 model), the backward pass is the float32 surrogate's, i.e. quantise-dequantise is taken
/// as the identity on the way back. Its logits are z = z_fp32 + (log p_graph - z_fp32).detach(): the forward value is
/// log p_graph (a valid logit vector, softmax(z) = p_graph), and dz/dx = dz_fp32/dx. So the attack loss's softmax
/// weights, every success test and the Lipschitz ratio come from the graph, and only the Jacobian from float32.
/// Under no_grad (clean scores, final iterates) the surrogate is not run.
/// </summary>
public sealed class StraightThroughTarget : IAttackTarget
{
    // A probability of exactly 0 (float softmax underflow) would give -inf logits; this keeps them finite.
    private const float MinProbability = 1e-30f;

    private readonly NetTarget surrogate;
    private readonly OnnxClassifier graph;

    public StraightThroughTarget(string name, NetTarget surrogate, OnnxClassifier graph, double threshold)
    {
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(graph);
        Name = name;
        this.surrogate = surrogate;
        this.graph = graph;
        Threshold = threshold;
    }

    public string Name { get; }

    public double Threshold { get; }

    /// <summary>How many images the graph has scored (each forward of each iterate counts).</summary>
    public long GraphImages { get; private set; }

    public Tensor Logits(Tensor gray)
    {
        var forward = GraphLogProbabilities(gray);
        if (!is_grad_enabled())
        {
            return forward;
        }

        var backward = surrogate.Logits(gray);
        return backward + (forward - backward).detach();
    }

    public Tensor LogProbabilities(Tensor gray) => F.log_softmax(Logits(gray), 1);

    public Tensor LipschitzOutput(Tensor gray, LipschitzOutputKind kind) =>
        kind == LipschitzOutputKind.Probabilities
            ? F.softmax(Logits(gray), 1)
            : throw new NotSupportedException($"'{Name}' is scored by its ONNX graph, whose output is probabilities: its logits are known only up to a shift, so use probabilities.");

    /// <summary>log P from ONNX Runtime on the contract-normalised image, as the serving path computes it.</summary>
    private Tensor GraphLogProbabilities(Tensor gray)
    {
        var contract = graph.Contract;
        int n = (int)gray.shape[0], length = graph.TensorLength;
        float[] planes;
        using (no_grad())
        {
            var input = ((gray.detach() - contract.Mean) / contract.Std).expand(n, contract.Channels, gray.shape[2], gray.shape[3]).contiguous();
            planes = input.data<float>().ToArray();
        }

        var tensors = Enumerable.Range(0, n).Select(i => planes.AsSpan(i * length, length).ToArray()).ToArray();
        var predictions = graph.Predict(tensors);
        GraphImages += n;
        int classes = predictions[0].Probabilities.Length;
        var logProbabilities = new float[n * classes];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                logProbabilities[i * classes + c] = MathF.Log(MathF.Max(predictions[i].Probabilities[c], MinProbability));
            }
        }

        return tensor(logProbabilities, new long[] { n, classes }).to(gray.device);
    }
}
