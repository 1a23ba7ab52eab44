namespace TbScreen.Training.Training;

/// <summary>Progress callbacks; the CLI renders them as a bar with ETA or as plain lines.</summary>
public interface ITrainingProgress
{
    void Preprocessing(int done, int total);

    void EpochStarted(int epoch, int epochs, int batches);

    /// <summary>An epoch of feature-distillation pretraining begins; its batches report through <see cref="BatchDone"/>.</summary>
    void DistillationEpochStarted(int epoch, int epochs, int batches)
    {
    }

    void BatchDone(int epoch, int batch, int batches, double loss);

    void EpochDone(EpochRecord record, bool isBest);

    void Message(string text);
}

/// <summary>Ignores everything (library callers and tests).</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public static SilentProgress Instance { get; } = new();

    public void Preprocessing(int done, int total)
    {
    }

    public void EpochStarted(int epoch, int epochs, int batches)
    {
    }

    public void BatchDone(int epoch, int batch, int batches, double loss)
    {
    }

    public void EpochDone(EpochRecord record, bool isBest)
    {
    }

    public void Message(string text)
    {
    }
}
