using System.Text.Json.Serialization;

namespace TbScreen.Imaging;

/// <summary>
/// One geometric view of the square model input: zoom by <see cref="Scale"/> and rotate by
/// <see cref="RotationDegrees"/> about the centre, then shift by <see cref="ShiftX"/> and <see cref="ShiftY"/>
/// (fractions of the side). The same parameterisation as the training augmentation, so a view inside the training
/// ranges shows the network nothing it has not seen.
/// </summary>
public sealed record AffineView
{
    public double Scale { get; init; } = 1;

    public double RotationDegrees { get; init; }

    public double ShiftX { get; init; }

    public double ShiftY { get; init; }

    [JsonIgnore]
    public bool IsIdentity => Scale == 1 && RotationDegrees == 0 && ShiftX == 0 && ShiftY == 0;

    /// <summary>Empty when the view is usable: a zoom of 0.5-2, a rotation within ±45° and shifts under half the side.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(Scale is >= 0.5 and <= 2))
        {
            problems.Add($"scale ({Scale}) must be in [0.5, 2]");
        }

        if (!(Math.Abs(RotationDegrees) <= 45))
        {
            problems.Add($"rotationDegrees ({RotationDegrees}) must be within ±45");
        }

        if (!(Math.Abs(ShiftX) < 0.5) || !(Math.Abs(ShiftY) < 0.5))
        {
            problems.Add($"shiftX and shiftY ({ShiftX}, {ShiftY}) must be within ±0.5 of the side");
        }

        return problems;
    }
}
