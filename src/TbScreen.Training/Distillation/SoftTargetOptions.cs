namespace TbScreen.Training.Distillation;

/// <summary>
/// Knowledge distillation from a shipped classifier bundle (Hinton et al. 2015): the loss becomes
/// (1 - Weight) x cross-entropy + Weight x T² x KL(teacher at temperature T || student at T), with the teacher run by
/// ONNX Runtime on the same augmented batch. Off when <see cref="TeacherBundle"/> is null.
/// </summary>
public sealed record SoftTargetOptions
{
    /// <summary>Folder of the teacher's model bundle (metadata.json + model.onnx); its input contract must equal the student's.</summary>
    public string? TeacherBundle { get; init; }

    /// <summary>Share of the soft-target term in the loss, in [0,1].</summary>
    public double Weight { get; init; } = 0.7;

    /// <summary>Softmax temperature of both nets in the soft-target term.</summary>
    public double Temperature { get; init; } = 2;

    /// <summary>ONNX Runtime threads for the teacher (it runs between the student's steps).</summary>
    public int TeacherThreads { get; init; } = 1;

    public bool Enabled => TeacherBundle is not null;

    public void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        if (!Directory.Exists(TeacherBundle))
        {
            throw new ArgumentException($"Teacher bundle '{TeacherBundle}' does not exist.");
        }

        if (!(Weight is >= 0 and <= 1))
        {
            throw new ArgumentException($"The soft-target weight must be in [0,1] (got {Weight}).");
        }

        if (!(Temperature > 0) || !double.IsFinite(Temperature))
        {
            throw new ArgumentException($"The soft-target temperature must be positive (got {Temperature}).");
        }

        if (TeacherThreads < 1)
        {
            throw new ArgumentException("Teacher threads must be at least 1.");
        }
    }
}
