using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using static TorchSharp.torch;

namespace TbScreen.Training.Distillation;

/// <summary>A shipped classifier bundle as a distillation teacher: ONNX Runtime on the student's own model input.</summary>
public sealed class BundleTeacher : IDisposable
{
    private readonly OnnxClassifier classifier;

    private BundleTeacher(OnnxClassifier classifier) => this.classifier = classifier;

    public string Description => $"{classifier.Bundle.Name} {classifier.Bundle.Metadata.Version}";

    /// <summary>Loads the bundle and refuses a teacher whose input contract differs from the student's (it would see other pixels).</summary>
    public static BundleTeacher Load(string bundleDirectory, InputContract studentContract, int threads)
    {
        var bundle = ModelBundle.Load(bundleDirectory);
        if (bundle.Metadata.Input != studentContract)
        {
            throw new ModelBundleException(bundleDirectory,
                $"the teacher's input contract ({Describe(bundle.Metadata.Input!)}) differs from the student's ({Describe(studentContract)}); train the student under the teacher's contract");
        }

        return new BundleTeacher(new OnnxClassifier(bundle, InferenceOptions.Default with { IntraOpThreads = threads }));
    }

    /// <summary>[N] teacher log-odds of TB for a student model input [N,C,S,S].</summary>
    public Tensor LogOdds(Tensor modelInput)
    {
        int n = (int)modelInput.shape[0];
        int length = classifier.TensorLength;
        if (modelInput.numel() != (long)n * length)
        {
            throw new ArgumentException($"the batch has {modelInput.numel() / Math.Max(n, 1)} values per image; the teacher takes {length}");
        }

        float[] flat = modelInput.detach().cpu().contiguous().data<float>().ToArray();
        var images = Enumerable.Range(0, n).Select(i => flat.AsSpan(i * length, length).ToArray()).ToList();
        var predictions = classifier.Predict(images);
        return tensor(predictions.Select(p => SoftTargetLoss.LogOdds(p.TbProbability)).ToArray());
    }

    private static string Describe(InputContract c) =>
        $"{c.Size} px, {c.Channels} channels, mean {c.Mean}, std {c.Std}, crop borders {c.CropBorders}, {c.Standardisation}";

    public void Dispose() => classifier.Dispose();
}
