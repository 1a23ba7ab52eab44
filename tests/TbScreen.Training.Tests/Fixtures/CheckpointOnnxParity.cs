using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Training;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Fixtures;

/// <summary>
/// The test's own parity check between a checkpoint and an exported bundle, independent of the number the exporter
/// reports: the checkpoint loaded with TorchSharp and the bundle's model.onnx run by ONNX Runtime get the same inputs,
/// drawn from the caller's generator as grey planes in [0,1] normalised and replicated as the bundle's input contract
/// says, and their logits and probabilities are compared here. oneDNN is off for TorchSharp (TorchRuntimeSetup), as
/// in the exporter and in TbScreen.Onnx.Tests.
/// </summary>
internal static class CheckpointOnnxParity
{
    public sealed record Result(float LogitDiff, float ProbabilityDiff, float ClassifierProbabilityDiff, float MaxAbsLogit, float LogitSpread)
    {
        public override string ToString() =>
            $"max |logit diff| {LogitDiff:E2}, max |probability diff| {ProbabilityDiff:E2} (OnnxClassifier's P(TB) {ClassifierProbabilityDiff:E2}), logits up to {MaxAbsLogit:F4}, TB margin spread {LogitSpread:E2}";
    }

    public static Result Measure(string checkpointPath, ModelBundle bundle, Generator generator, int count = 4)
    {
        var (model, sidecar) = Checkpoints.Load(checkpointPath);
        using var disposeModel = model;
        var contract = bundle.Metadata.Input!;
        Assert.Equal(sidecar.Options.Contract, contract);
        int channels = contract.Channels, size = contract.Size, length = channels * size * size;

        float[] input, logits, probabilities;
        using (NewDisposeScope())
        using (no_grad())
        {
            var gray = rand([count, 1, size, size], generator: generator);
            var x = ((gray - contract.Mean) / contract.Std).expand(count, channels, size, size).contiguous();
            input = x.data<float>().ToArray();
            model.eval();
            var y = model.call(x);
            logits = y.data<float>().ToArray();
            probabilities = nn.functional.softmax(y, 1).data<float>().ToArray();
        }

        Assert.Equal(2 * count, logits.Length); // two classes: non-tb, tb

        // ONNX Runtime on the bundle's model.onnx: every output, the raw logits included.
        float[] onnxLogits, onnxProbabilities;
        using (var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 })
        using (var session = new InferenceSession(bundle.OnnxPath, options))
        {
            var tensor = new DenseTensor<float>(input, [count, channels, size, size]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(bundle.Metadata.Onnx.Input, tensor)]);
            onnxLogits = results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
            onnxProbabilities = results.Single(r => r.Name == bundle.Metadata.Onnx.Probability).AsTensor<float>().ToArray();
        }

        // And the path deployment takes: the project's OnnxClassifier on the same bundle.
        float classifierDiff;
        using (var classifier = new OnnxClassifier(bundle, new InferenceOptions { IntraOpThreads = 1 }))
        {
            var predictions = classifier.Predict([.. Enumerable.Range(0, count).Select(i => input[(i * length)..((i + 1) * length)])]);
            classifierDiff = predictions.Select((p, i) => Math.Abs(p.TbProbability - probabilities[i * 2 + bundle.Metadata.PositiveIndex])).Max();
        }

        var margins = Enumerable.Range(0, count).Select(i => logits[2 * i + 1] - logits[2 * i]).ToArray();
        return new Result(MaxAbsDiff(logits, onnxLogits), MaxAbsDiff(probabilities, onnxProbabilities), classifierDiff, logits.Max(MathF.Abs), margins.Max() - margins.Min());
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
