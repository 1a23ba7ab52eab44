namespace TbScreen.Onnx.Graph;

/// <summary>A graph value of shape [N, C, H, W] with static C, H, W; tracked so pooling and Linear sizes can be checked at export time.</summary>
internal sealed record Map4(string Name, long Channels, long Height, long Width)
{
    public override string ToString() => $"{Name} [N,{Channels},{Height},{Width}]";
}

/// <summary>A graph value of shape [N, F].</summary>
internal sealed record Vec2(string Name, long Features);

/// <summary>Kernel geometry shared by Conv and the pools (square kernels, symmetric padding, as TorchVision uses).</summary>
internal readonly record struct Window(long Kernel, long Stride = 1, long Pad = 0, long Dilation = 1, bool CeilMode = false)
{
    /// <summary>Output length along one axis, with PyTorch's rule: in ceil mode the last window must start inside the input or left pad.</summary>
    public long OutputSize(long input)
    {
        long span = input + 2 * Pad - Dilation * (Kernel - 1) - 1 + (CeilMode ? Stride - 1 : 0);
        long size = (long)Math.Floor((double)span / Stride) + 1; // floor, not truncation: PyTorch's div_rtn
        if (size < 1) return 0;
        if (CeilMode && (size - 1) * Stride >= input + Pad) size--;
        return size;
    }
}
