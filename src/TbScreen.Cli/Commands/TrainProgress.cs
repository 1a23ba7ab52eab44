using System.Diagnostics;
using Spectre.Console;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>A Spectre.Console bar per epoch with elapsed time and ETA, for interactive terminals.</summary>
public sealed class SpectreTrainingProgress(ProgressContext context) : ITrainingProgress
{
    private ProgressTask? preprocessing;
    private ProgressTask? epochTask;

    public void Preprocessing(int done, int total)
    {
        lock (context)
        {
            preprocessing ??= context.AddTask("preprocessing", maxValue: total);
            preprocessing.Value = done;
        }
    }

    public void EpochStarted(int epoch, int epochs, int batches) =>
        epochTask = context.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);

    public void DistillationEpochStarted(int epoch, int epochs, int batches)
    {
        epochTask?.StopTask(); // the previous distillation epoch ended with a message, not EpochDone
        epochTask = context.AddTask($"distillation {epoch}/{epochs}", maxValue: batches);
    }

    public void BatchDone(int epoch, int batch, int batches, double loss)
    {
        if (epochTask is not null)
        {
            epochTask.Value = batch;
            epochTask.Description = $"epoch {epoch} loss {loss:F3}";
        }
    }

    public void EpochDone(EpochRecord record, bool isBest)
    {
        epochTask?.StopTask();
        AnsiConsole.MarkupLine(Markup.Escape($"epoch {record.Epoch}: train loss {record.TrainLoss:F4}, val AUC {record.ValAuc:F4}, lr {record.LearningRate:G3}, {record.Seconds:F1}s{(isBest ? " (best)" : "")}"));
    }

    public void Message(string text)
    {
        epochTask?.StopTask();
        AnsiConsole.MarkupLine(Markup.Escape(text));
    }

    /// <summary>Runs <paramref name="body"/> under a live progress display.</summary>
    public static T Run<T>(Func<ITrainingProgress, T> body) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => body(new SpectreTrainingProgress(context)));
}
