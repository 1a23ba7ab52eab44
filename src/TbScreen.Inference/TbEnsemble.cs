using Microsoft.Extensions.Logging;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference;

/// <summary>
/// A loaded models/ folder: ensemble.json, one validated bundle and one shared session per member, and the
/// policy. Load once per process and share; dispose at shutdown.
/// </summary>
public sealed class TbEnsemble : IDisposable
{
    private TbEnsemble(EnsemblePolicy policy, IReadOnlyList<OnnxClassifier> members, LungSegmenter? lungs)
    {
        Policy = policy;
        Members = members;
        Lungs = lungs;
        int index = policy.Definition.Members.ToList().FindIndex(m => m.Bundle == policy.Definition.HeatmapMember);
        HeatmapIndex = index >= 0 ? index : null;
    }

    public EnsemblePolicy Policy { get; }

    /// <summary>In ensemble.json's order.</summary>
    public IReadOnlyList<OnnxClassifier> Members { get; }

    /// <summary>Index into <see cref="Members"/> of the member whose CAM becomes the heatmap, or null.</summary>
    public int? HeatmapIndex { get; }

    /// <summary>The lung segmenter named by ensemble.json's "lungs", or null (no lung check).</summary>
    public LungSegmenter? Lungs { get; }

    /// <summary>Throws <see cref="ModelBundleException"/> (naming the file) for any invalid part.</summary>
    /// <param name="ensembleFile">The definition's file name in <paramref name="modelsDirectory"/> (default ensemble.json).</param>
    public static TbEnsemble Load(string modelsDirectory, InferenceOptions? options = null, ILogger? logger = null, string? ensembleFile = null)
    {
        ArgumentNullException.ThrowIfNull(modelsDirectory);
        var definition = EnsembleDefinition.Load(modelsDirectory, ensembleFile);
        var members = new List<OnnxClassifier>();
        try
        {
            foreach (var member in definition.Members)
            {
                var bundle = ModelBundle.Load(Path.Combine(modelsDirectory, member.Bundle));
                var classifier = new OnnxClassifier(bundle, options, logger);
                members.Add(classifier);
                if (member.Bundle == definition.HeatmapMember && !classifier.HasCam)
                {
                    throw new ModelBundleException(bundle.Directory, "is the ensemble's heatmapMember but its metadata names no onnx.cam output");
                }
            }

            var lungs = definition.Lungs is string name ? LungSegmenter.FromModels(modelsDirectory, name, options) : null;
            if (lungs is null && members.FirstOrDefault(m => m.Contract.CropToLungs) is { } cropping)
            {
                throw new ModelBundleException(cropping.Bundle.Directory,
                    $"crops its input to the lungs, but the ensemble file names no \"lungs\" segmentation bundle to find them");
            }

            return new TbEnsemble(new EnsemblePolicy(definition), members, lungs);
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }
    }

    /// <summary>Whether any member's input is the lung-field crop (so every image must be segmented first).</summary>
    public bool CropsToLungs => Members.Any(m => m.Contract.CropToLungs);

    /// <summary>The lung segmentation an image needs, with the polarity check: for the lung checks or a member that crops to the lungs; else null.</summary>
    public LungSegmentation? Segment(Radiograph radiograph) => Lungs?.Segment(radiograph, checkPolarity: true);

    /// <summary>A member's model input for an image, with the lung-field crop from <paramref name="segmentation"/> where its contract asks for it.</summary>
    public static float[] Tensor(Radiograph radiograph, InputContract contract, LungSegmentation? segmentation) =>
        RadiographPipeline.ToTensor(radiograph, contract, LungFieldCrop.For(contract, segmentation));

    /// <summary>Where member <paramref name="member"/>'s input square lies on the radiograph (for heatmaps), segmenting again if its contract crops to the lungs.</summary>
    public InputGeometry InputGeometry(Radiograph radiograph, int member)
    {
        var contract = Members[member].Contract;
        return RadiographPipeline.InputGeometry(radiograph, contract, contract.CropToLungs ? LungFieldCrop.For(contract, Segment(radiograph)) : null);
    }

    /// <summary>Member scores in ensemble order for one case, each against its bundle's shipped threshold.</summary>
    public IReadOnlyList<MemberScore> Scores(IReadOnlyList<float> tbProbabilities) =>
        Members.Select((m, i) => new MemberScore(Policy.Definition.Members[i].Bundle, tbProbabilities[i], m.Bundle.Threshold)).ToArray();

    public void Dispose()
    {
        foreach (var member in Members)
        {
            member.Dispose();
        }

        Lungs?.Dispose();
    }
}
