using TbScreen.Imaging;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.Stability;

/// <summary>
/// Gradient-free, bounded search for a perturbation that flips the ensemble's call, through ONNX Runtime only (no
/// TorchSharp in the serving path). Works on the preprocessed [0,1] image: first random corners of the eps ball, then
/// a few SPSA steps that estimate the sign of the gradient of the ensemble probability from paired queries
/// x + c u, x - c u and step toward the threshold. All queries of a stage go to each member as one batch.
/// Deterministic: the randomness comes from the seed only. Thread-safe (no mutable state).
/// </summary>
public sealed class StabilityCheck
{
    private readonly IReadOnlyList<OnnxClassifier> members;
    private readonly EnsemblePolicy policy;
    private readonly InputContract contract;

    public StabilityCheck(IReadOnlyList<OnnxClassifier> members, EnsemblePolicy policy, StabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (members.Count == 0)
        {
            throw new ArgumentException("No members.", nameof(members));
        }

        contract = members[0].Contract;
        if (members.Any(m => m.Contract.Size != contract.Size))
        {
            throw new ArgumentException("The stability check perturbs one image for every member: members must share the input size.", nameof(members));
        }

        this.members = members;
        this.policy = policy;
        Options = options;
    }

    public StabilityOptions Options { get; }

    /// <param name="tensor">The first member's input tensor (its contract's normalisation) as screening made it.</param>
    public StabilityFinding Check(float[] tensor, EnsembleDecision decision)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(decision);
        int plane = contract.Size * contract.Size;
        var clean = RadiographPipeline.ToUnitPlane(tensor, contract);

        double eps = Options.Epsilon;
        var random = new Random(Options.Seed);
        bool wasTb = decision.IsTb;
        // Score toward a flip: lower is closer to the other side of the threshold.
        double Toward(double probability) => wasTb ? probability : -probability;
        double worst = decision.Probability;
        int queries = 0;

        var corners = Enumerable.Range(0, Options.RandomSamples).Select(_ => Perturb(clean, RandomSigns(random, plane), eps)).ToArray();
        var cornerProbabilities = Probabilities(corners, ref queries);
        if (Update(cornerProbabilities, ref worst))
        {
            return new StabilityFinding(eps, true, worst, queries);
        }

        var current = clean;
        double probe = eps / 2;
        for (int step = 0; step < Options.SearchSteps; step++)
        {
            var directions = Enumerable.Range(0, Options.Directions).Select(_ => RandomSigns(random, plane)).ToArray();
            var pairs = directions.SelectMany(u => new[] { Perturb(current, u, probe, clean, eps), Perturb(current, u, -probe, clean, eps) }).ToArray();
            var pairProbabilities = Probabilities(pairs, ref queries);
            if (Update(pairProbabilities, ref worst))
            {
                return new StabilityFinding(eps, true, worst, queries);
            }

            // SPSA: gradient of Toward(p) ~ sum_d (f(x + c u_d) - f(x - c u_d)) / 2c * u_d; step against it.
            var gradient = new double[plane];
            for (int d = 0; d < directions.Length; d++)
            {
                double slope = Toward(pairProbabilities[2 * d]) - Toward(pairProbabilities[2 * d + 1]);
                for (int p = 0; p < plane; p++)
                {
                    gradient[p] += slope * directions[d][p];
                }
            }

            // The first step jumps to the corner of the ball (FGSM-like), later ones refine with half steps.
            double size = step == 0 ? eps : eps / 2;
            var signs = gradient.Select(g => g > 0 ? -1f : g < 0 ? 1f : 0f).ToArray();
            current = Perturb(current, signs, size, clean, eps);
            var next = Probabilities([current], ref queries);
            if (Update(next, ref worst))
            {
                return new StabilityFinding(eps, true, worst, queries);
            }
        }

        return new StabilityFinding(eps, false, worst, queries);

        bool Update(double[] probabilities, ref double worstSoFar)
        {
            bool flipped = false;
            foreach (double p in probabilities)
            {
                if (Toward(p) < Toward(worstSoFar))
                {
                    worstSoFar = p;
                }

                flipped |= (p >= policy.Definition.Threshold) != wasTb;
            }

            return flipped;
        }
    }

    /// <summary>Ensemble probability of each [0,1] plane; one batch per member.</summary>
    private double[] Probabilities(float[][] planes, ref int queries)
    {
        queries += planes.Length;
        // With test-time views each query is scored as screening scores it, so the threshold means the same.
        var predictions = members.Select(m => TestTimeAugmentation.Predict(m, planes.Select(p => RadiographPipeline.ToModelInput(p, m.Contract)).ToArray(), policy.Definition.TestTimeAugmentation)).ToArray();
        return Enumerable.Range(0, planes.Length)
            .Select(i => policy.Decide(members.Select((m, j) => new MemberScore(policy.Definition.Members[j].Bundle, predictions[j][i].TbProbability, m.Bundle.Threshold)).ToArray()).Probability)
            .ToArray();
    }

    private static float[] RandomSigns(Random random, int length)
    {
        var signs = new float[length];
        for (int i = 0; i < length; i++)
        {
            signs[i] = random.Next(2) == 0 ? -1f : 1f;
        }

        return signs;
    }

    /// <summary>x + size * direction, projected onto the eps ball around <paramref name="centre"/> and onto [0,1].</summary>
    private static float[] Perturb(float[] x, float[] direction, double size, float[]? centre = null, double eps = double.PositiveInfinity)
    {
        var result = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i] + size * direction[i];
            if (centre is not null)
            {
                v = Math.Clamp(v, centre[i] - eps, centre[i] + eps);
            }

            result[i] = (float)Math.Clamp(v, 0, 1);
        }

        return result;
    }
}
