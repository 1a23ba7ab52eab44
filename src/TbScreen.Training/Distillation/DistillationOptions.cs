namespace TbScreen.Training.Distillation;

/// <summary>
/// Feature-distillation pretraining before fine-tuning: the student's penultimate features learn, through a batch-norm
/// + linear projection, to predict a ResNet-18 teacher's standardised pooled features on our (augmented) training radiographs.
/// No labels are used in this phase.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Epochs of distillation before fine-tuning; 0 turns it off.</summary>
    public int Epochs { get; init; }

    /// <summary>
    /// The teacher: null for the ImageNet ResNet-18 of the Microsoft.ML.DnnImageFeaturizer.ResNet18 package, or the path
    /// of one of our resnet18 checkpoints (its input contract must equal the student's).
    /// </summary>
    public string? TeacherCheckpoint { get; init; }

    /// <summary>AdamW peak learning rate of this phase (cosine over its epochs, no warm-up).</summary>
    public double LearningRate { get; init; } = 3e-4;

    public bool Enabled => Epochs > 0;

    public void Validate()
    {
        if (Epochs < 0)
        {
            throw new ArgumentException("Distillation epochs must be 0 (off) or more.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException("The distillation learning rate must be positive.");
        }

        if (TeacherCheckpoint is string path && !File.Exists(path))
        {
            throw new ArgumentException($"Teacher checkpoint '{path}' does not exist.");
        }
    }
}
