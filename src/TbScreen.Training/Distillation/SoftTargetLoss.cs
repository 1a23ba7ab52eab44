using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Distillation;

/// <summary>The two-class distillation loss of <see cref="SoftTargetOptions"/>.</summary>
public static class SoftTargetLoss
{
    /// <param name="studentLogits">[N,2] logits of the student.</param>
    /// <param name="target">[N] hard labels.</param>
    /// <param name="classWeights">Cross-entropy class weights, or null.</param>
    /// <param name="teacherLogOdds">[N] log(p / (1 - p)) of the teacher's TB probability: a two-class softmax is a
    /// function of the logit difference only, so this fixes the teacher's distribution at every temperature.</param>
    public static Tensor Compute(Tensor studentLogits, Tensor target, Tensor? classWeights, Tensor teacherLogOdds, double weight, double temperature)
    {
        var hard = F.cross_entropy(studentLogits, target, classWeights);
        if (weight == 0)
        {
            return hard;
        }

        using Scalar t = temperature;
        var teacherTb = teacherLogOdds.to(studentLogits.dtype).div(t).sigmoid();
        var teacher = stack([teacherTb.neg().add(1), teacherTb], 1); // column order: non-TB, TB
        var studentLog = F.log_softmax(studentLogits.div(t), 1);
        // KL(teacher || student), summed over the classes and averaged over the batch; xlogy keeps 0·log 0 at 0.
        var kl = teacher.xlogy(teacher).sub(teacher.mul(studentLog)).sum(1).mean();
        using Scalar soft = weight * temperature * temperature;
        using Scalar hardShare = 1 - weight;
        return hard.mul(hardShare).add(kl.mul(soft));
    }

    /// <summary>log(p / (1 - p)), with p held inside [1e-6, 1 - 1e-6] so a saturated (fp16) teacher stays finite.</summary>
    public static float LogOdds(float probability)
    {
        double p = Math.Clamp((double)probability, 1e-6, 1 - 1e-6);
        return (float)Math.Log(p / (1 - p));
    }
}
