namespace TbScreen.Training.Distillation;

/// <summary>
/// One distillation epoch: the mean squared error against the standardised teacher features on the (augmented)
/// training batches, and on the un-augmented validation images the share of the teacher's total feature variance that
/// the projected student explains (R², 1 - MSE over targets whose mean variance is 1).
/// </summary>
public sealed record DistillationEpoch(int Epoch, double TrainLoss, double? ValR2, double Seconds);

/// <summary>What distillation.json holds.</summary>
public sealed record DistillationHistory(string Teacher, int TeacherWidth, int StudentWidth, DistillationOptions Options, IReadOnlyList<DistillationEpoch> Epochs);
