using System.CommandLine;
using TbScreen.Inference;
using TbScreen.Inference.Runtime;

namespace TbScreen.Cli;

/// <summary>The options every verb that runs the ensemble shares: where the models are and how sessions run.</summary>
internal sealed class EnsembleCliOptions
{
    public Option<string> Models { get; } = new("--models") { Description = "Folder holding ensemble.json and the model bundles.", DefaultValueFactory = _ => "models" };

    public Option<int> Threads { get; } = new("--threads") { Description = "Intra-op threads per ONNX Runtime session (0 = runtime default).", DefaultValueFactory = _ => 0 };

    public Option<bool> Cuda { get; } = new("--cuda") { Description = "Try the CUDA execution provider (GPU build); falls back to CPU with a warning." };

    public Option<string?> Ensemble { get; } = new("--ensemble") { Description = "Ensemble definition file name in the models folder (default ensemble.json); ensemble-pruned.json runs the pruned bundles." };

    public void AddTo(Command command)
    {
        command.Options.Add(Models);
        command.Options.Add(Ensemble);
        command.Options.Add(Threads);
        command.Options.Add(Cuda);
        Threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 256)
            {
                result.AddError("--threads must be between 0 and 256.");
            }
        });
    }

    /// <param name="threadsWhenUnset">Intra-op threads when --threads is 0: parallel workers each get a share of the
    /// cores instead of every session claiming all of them.</param>
    public TbEnsemble Load(ParseResult result, TextWriter stderr, int threadsWhenUnset = 0)
    {
        int threads = result.GetValue(Threads);
        return TbEnsemble.Load(
            result.GetValue(Models)!,
            new InferenceOptions { IntraOpThreads = threads > 0 ? threads : threadsWhenUnset, UseCuda = result.GetValue(Cuda) },
            new StderrLogger(stderr),
            result.GetValue(Ensemble));
    }
}
