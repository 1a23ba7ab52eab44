using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Optimizers;

/// <summary>
/// TorchSharp's AdamW with the same arithmetic, in the same order, on the same state (so checkpoints and resume files
/// are interchangeable with it), but with every scalar argument held in a variable until the native call returns.
/// TorchSharp 0.107.0 turns each double into a finalizable <see cref="Scalar"/> and passes its handle on; a
/// garbage collection during the call could finalise it and free the value libtorch was reading, which failed a
/// 30-minute distillation run with "Expected false to be true ... toDouble at Scalar.h" (docs/training.md).
/// </summary>
public sealed class KeptScalarAdamW(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr, double weightDecay)
    : TorchSharp.Modules.AdamW(parameters, lr, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
        double lr = options.LearningRate!.Value, weightDecay = options.weight_decay!.Value;
        if (options.amsgrad == true || options.maximize == true)
        {
            throw new NotSupportedException("amsgrad and maximize are not implemented here");
        }

        using var decay = (1 - lr * weightDecay).ToScalar();
        using var keep1 = beta1.ToScalar();
        using var keep2 = beta2.ToScalar();
        using var new1 = (1 - beta1).ToScalar();
        using var new2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        // Tensor.add_(Scalar) itself makes an alpha of 1 that nothing holds: pass our own.
        using var one = 1.0.ToScalar();
        foreach (var param in group.Parameters)
        {
            using var scope = NewDisposeScope();
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[param.Handle];
            state.step += 1;
            param.mul_(decay);
            double correction1 = 1 - Math.Pow(beta1, state.step);
            double correction2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(keep1).add_(grad, alpha: new1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: new2);
            using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div(rootCorrection2).add_(epsilon, one);
            using var stepSize = (-(lr / correction1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
