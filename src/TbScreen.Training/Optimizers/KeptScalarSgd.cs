using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Optimizers;

/// <summary>
/// TorchSharp's SGD (momentum, L2 weight decay, no Nesterov) with the same arithmetic on the same state, every scalar
/// argument held until its native call returns; why, in <see cref="KeptScalarAdamW"/>.
/// </summary>
public sealed class KeptScalarSgd(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr, double momentum, double weightDecay)
    : TorchSharp.Modules.SGD(parameters, lr, momentum: momentum, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
        if (options.nesterov == true || options.maximize == true)
        {
            throw new NotSupportedException("nesterov and maximize are not implemented here");
        }

        using var decay = weightDecay.ToScalar();
        using var keep = momentum.ToScalar();
        using var fresh = (1 - dampening).ToScalar();
        using var rate = (-options.LearningRate!.Value).ToScalar();
        foreach (var param in group.Parameters)
        {
            using var scope = NewDisposeScope();
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[param.Handle];
            if (weightDecay != 0)
            {
                grad = grad.add(param, alpha: decay);
            }

            if (momentum != 0)
            {
                if (state.momentum_buffer is null)
                {
                    state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    state.momentum_buffer.mul_(keep).add_(grad, alpha: fresh);
                }

                grad = state.momentum_buffer;
            }

            param.add_(grad, alpha: rate);
        }
    }, closure);
}
