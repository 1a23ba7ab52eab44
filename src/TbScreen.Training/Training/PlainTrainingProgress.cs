using System.Diagnostics;

namespace TbScreen.Training.Training;

/// <summary>Plain progress lines for logs and pipes: one line per epoch and every 10% of batches, with ETA.</summary>
public sealed class PlainTrainingProgress(TextWriter output) : ITrainingProgress
{
    private readonly Stopwatch epochClock = new();
    private int lastDecile = -1;

    public void Preprocessing(int done, int total)
    {
        if (done == total || done % 100 == 0)
        {
            output.WriteLine($"preprocessing {done}/{total}");
        }
    }

    public void EpochStarted(int epoch, int epochs, int batches)
    {
        epochClock.Restart();
        lastDecile = -1;
        output.WriteLine($"epoch {epoch}/{epochs}: {batches} batches");
    }

    public void DistillationEpochStarted(int epoch, int epochs, int batches)
    {
        epochClock.Restart();
        lastDecile = -1;
        output.WriteLine($"distillation epoch {epoch}/{epochs}: {batches} batches");
    }

    public void BatchDone(int epoch, int batch, int batches, double loss)
    {
        int decile = batch * 10 / batches;
        if (decile != lastDecile)
        {
            lastDecile = decile;
            double eta = epochClock.Elapsed.TotalSeconds / batch * (batches - batch);
            output.WriteLine($"  batch {batch}/{batches} loss {loss:F4} eta {eta:F0}s");
        }
    }

    public void EpochDone(EpochRecord record, bool isBest) =>
        output.WriteLine($"epoch {record.Epoch}: train loss {record.TrainLoss:F4}, val loss {record.ValLoss:F4}, val AUC {record.ValAuc:F4}, lr {record.LearningRate:G3}, {record.Seconds:F1}s{(isBest ? " (best)" : "")}");

    public void Message(string text) => output.WriteLine(text);
}
