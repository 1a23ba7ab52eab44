using System.Diagnostics;
using TbScreen.Imaging;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Heatmaps;
using TbScreen.Inference.Stability;

namespace TbScreen.Inference;

/// <summary>Wall-clock time per stage; for a batch, each case carries the batch's time divided by its size.</summary>
public sealed record StageTimings(TimeSpan Preprocess, TimeSpan Inference, TimeSpan Ensemble, TimeSpan Heatmap)
{
    public TimeSpan Total => Preprocess + Inference + Ensemble + Heatmap;

    internal StageTimings Per(int count) => new(Preprocess / count, Inference / count, Ensemble / count, Heatmap / count);
}

/// <summary>One case: member and ensemble scores, decision, flags, and the heatmap (null when not asked for or no CAM).</summary>
public sealed record ScreeningResult(EnsembleDecision Decision, Heatmap? Heatmap, StageTimings Timings);

/// <summary>
/// The whole path for callers that hold a <see cref="Radiograph"/>: preprocessing with each bundle's own input
/// contract (shared when equal), every member, the ensemble policy, and the CAM heatmap. Thread-safe.
/// </summary>
/// <remarks>With the definition's test-time views, each member scores every image and its views (docs/generalisation.md).
/// With <see cref="StabilityOptions.Enabled"/>, each decision also runs the stability check (its time counts in the Ensemble stage).</remarks>
public sealed class RadiographScreener
{
    private readonly StabilityCheck? stability;

    public RadiographScreener(TbEnsemble ensemble, StabilityOptions? stabilityOptions = null)
    {
        Ensemble = ensemble ?? throw new ArgumentNullException(nameof(ensemble));
        stability = stabilityOptions is { Enabled: true } ? new StabilityCheck(ensemble.Members, ensemble.Policy, stabilityOptions) : null;
    }

    public TbEnsemble Ensemble { get; }

    public ScreeningResult Screen(Radiograph radiograph, bool withHeatmap = true) => ScreenBatch([radiograph], withHeatmap)[0];

    public IReadOnlyList<ScreeningResult> ScreenBatch(IReadOnlyList<Radiograph> radiographs, bool withHeatmap = true)
    {
        ArgumentNullException.ThrowIfNull(radiographs);
        if (radiographs.Count == 0)
        {
            return [];
        }

        var clock = Stopwatch.StartNew();
        // One segmentation per image serves the lung check and every member that crops to the lungs.
        var segmentations = radiographs.Select(Ensemble.Segment).ToArray();
        // Members usually share one contract: preprocess once per distinct contract, not once per member.
        var tensorsByContract = new Dictionary<InputContract, float[][]>();
        foreach (var member in Ensemble.Members)
        {
            if (!tensorsByContract.ContainsKey(member.Contract))
            {
                tensorsByContract[member.Contract] = radiographs.Select((r, i) => TbEnsemble.Tensor(r, member.Contract, segmentations[i])).ToArray();
            }
        }

        var preprocess = clock.Elapsed;
        clock.Restart();
        var views = Ensemble.Policy.Definition.TestTimeAugmentation;
        var predictions = Ensemble.Members.Select(m => TestTimeAugmentation.Predict(m, tensorsByContract[m.Contract], views)).ToArray();
        var inference = clock.Elapsed;
        clock.Restart();
        var decisions = new EnsembleDecision[radiographs.Count];
        for (int i = 0; i < radiographs.Count; i++)
        {
            decisions[i] = Ensemble.Policy.Decide(Ensemble.Scores(predictions.Select(p => p[i].TbProbability).ToArray()));
            decisions[i] = EnsemblePolicy.WithUnfamiliarity(decisions[i], EnsemblePolicy.UnfamiliarityOf(predictions.Select(p => p[i].Unfamiliarity)));
            if (segmentations[i] is { LungsFound: false })
            {
                decisions[i] = decisions[i] with { Flags = decisions[i].Flags | FlagReasons.LungsNotFound };
            }

            if (segmentations[i] is { LooksInverted: true })
            {
                decisions[i] = decisions[i] with { Flags = decisions[i].Flags | FlagReasons.Inverted };
            }

            if (stability is not null)
            {
                decisions[i] = EnsemblePolicy.WithStability(decisions[i], stability.Check(tensorsByContract[Ensemble.Members[0].Contract][i], decisions[i]));
            }
        }

        var decide = clock.Elapsed;
        clock.Restart();
        var heatmaps = new Heatmap?[radiographs.Count];
        if (withHeatmap && Ensemble.HeatmapIndex is int source)
        {
            for (int i = 0; i < radiographs.Count; i++)
            {
                heatmaps[i] = predictions[source][i].Cam is { } cam ? CamHeatmap.From(cam, Ensemble.Members[source].Contract.Size) : null;
            }
        }

        var timings = new StageTimings(preprocess, inference, decide, clock.Elapsed).Per(radiographs.Count);
        return decisions.Select((d, i) => new ScreeningResult(d, heatmaps[i], timings)).ToArray();
    }
}
