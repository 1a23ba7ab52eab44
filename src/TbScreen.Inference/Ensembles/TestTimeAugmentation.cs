using System.Text.Json.Serialization;
using TbScreen.Imaging;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.Ensembles;

/// <summary>
/// ensemble.json "testTimeAugmentation": extra geometric views of each image. A member's TB probability is the mean
/// over the image itself and these views; its CAM, features and unfamiliarity come from the image itself, so
/// heatmaps stay aligned. The threshold must be chosen with the same views (calibrate-ensemble
/// --test-time-augmentation), since averaging changes the score scale.
/// </summary>
public sealed record TestTimeAugmentation
{
    /// <summary>
    /// The views added by <c>--test-time-augmentation</c>: zoom 1.06 and 0.94, rotation ±5°, shift ±4% along each
    /// axis, all inside the training augmentation's ranges (±8%, ±7°, ±8%). Fixed before it was measured
    /// (docs/generalisation.md), not tuned.
    /// </summary>
    public static TestTimeAugmentation Standard { get; } = new()
    {
        Views =
        [
            new AffineView { Scale = 1.06 }, new AffineView { Scale = 0.94 },
            new AffineView { RotationDegrees = 5 }, new AffineView { RotationDegrees = -5 },
            new AffineView { ShiftX = 0.04 }, new AffineView { ShiftX = -0.04 },
            new AffineView { ShiftY = 0.04 }, new AffineView { ShiftY = -0.04 },
        ],
    };

    /// <summary>The views besides the image itself, which is always scored first.</summary>
    public IReadOnlyList<AffineView> Views { get; init; } = [];

    /// <summary>Member runs per image: the image itself and each view.</summary>
    [JsonIgnore]
    public int ViewsPerImage => Views.Count + 1;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Views is null || Views.Count == 0)
        {
            problems.Add("testTimeAugmentation.views must list at least one view (leave testTimeAugmentation out for none)");
            return problems;
        }

        for (int i = 0; i < Views.Count; i++)
        {
            if (Views[i] is null)
            {
                problems.Add($"testTimeAugmentation.views[{i}] is null");
                continue;
            }

            if (Views[i].IsIdentity)
            {
                problems.Add($"testTimeAugmentation.views[{i}] is the image itself, which is always scored");
            }

            problems.AddRange(Views[i].Problems().Select(p => $"testTimeAugmentation.views[{i}]: {p}"));
        }

        return problems;
    }

    /// <summary>
    /// One prediction per tensor: with <paramref name="augmentation"/>, the member scores each tensor and its views
    /// in one batch and the TB probability (and each label's) is their mean, the rest from the tensor itself.
    /// Without it, the member's plain predictions.
    /// </summary>
    public static IReadOnlyList<ModelPrediction> Predict(OnnxClassifier member, IReadOnlyList<float[]> tensors, TestTimeAugmentation? augmentation)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(tensors);
        if (augmentation is null || tensors.Count == 0)
        {
            return member.Predict(tensors);
        }

        var contract = member.Contract;
        int perCase = augmentation.ViewsPerImage;
        var inputs = new List<float[]>(tensors.Count * perCase);
        foreach (float[] tensor in tensors)
        {
            inputs.Add(tensor);
            float[] plane = RadiographPipeline.ToUnitPlane(tensor, contract);
            inputs.AddRange(augmentation.Views.Select(v => RadiographPipeline.ToModelInput(PlaneWarp.Apply(plane, contract.Size, v), contract)));
        }

        var predictions = member.Predict(inputs);
        var averaged = new ModelPrediction[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var own = predictions[i * perCase];
            var probabilities = new float[own.Probabilities.Length];
            double tb = 0;
            for (int v = 0; v < perCase; v++)
            {
                var view = predictions[(i * perCase) + v];
                tb += view.TbProbability;
                for (int label = 0; label < probabilities.Length; label++)
                {
                    probabilities[label] += view.Probabilities[label] / perCase;
                }
            }

            averaged[i] = own with { Probabilities = probabilities, TbProbability = (float)(tb / perCase) };
        }

        return averaged;
    }
}
