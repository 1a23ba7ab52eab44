namespace TbScreen.Training.Training;

/// <summary>Per-batch learning rate: linear warm-up, then cosine decay to 0 or step decay.</summary>
public sealed class LearningRateSchedule(TrainingOptions options, int batchesPerEpoch)
{
    public double At(int epoch, int batch)
    {
        double peak = options.PeakLearningRate;
        double t = epoch + (double)batch / batchesPerEpoch; // epochs elapsed, fractional
        if (t < options.WarmupEpochs)
        {
            return peak * (t + 1.0 / batchesPerEpoch) / options.WarmupEpochs;
        }

        if (options.Schedule == LrScheduleKind.Step)
        {
            return peak * Math.Pow(options.StepGamma, Math.Floor(t / options.StepEpochs));
        }

        double span = Math.Max(1e-9, options.Epochs - options.WarmupEpochs);
        double progress = Math.Clamp((t - options.WarmupEpochs) / span, 0, 1);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
