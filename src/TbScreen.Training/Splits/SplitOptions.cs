namespace TbScreen.Training.Splits;

public enum SplitName
{
    Train,
    Val,
    Test,
}

/// <summary>Patient-level split ratios and seed. The three ratios must sum to 1.</summary>
public sealed record SplitOptions
{
    public double Train { get; init; } = 0.70;

    public double Val { get; init; } = 0.15;

    public double Test { get; init; } = 0.15;

    public int Seed { get; init; } = 20240607;

    /// <summary>Stratify by source as well as by label, so each split sees every site in proportion.</summary>
    public bool StratifyBySource { get; init; } = true;

    public void Validate()
    {
        if (Train <= 0 || Val < 0 || Test < 0 || Math.Abs(Train + Val + Test - 1) > 1e-6)
        {
            throw new ArgumentException($"Split ratios must be non-negative, train positive, and sum to 1 (got {Train}/{Val}/{Test}).");
        }
    }
}

public static class SplitNames
{
    public static string ToText(SplitName split) => split switch
    {
        SplitName.Train => "train",
        SplitName.Val => "val",
        _ => "test",
    };

    public static SplitName Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "train" => SplitName.Train,
        "val" or "validation" => SplitName.Val,
        "test" => SplitName.Test,
        _ => throw new FormatException($"unknown split '{text}' (train, val or test)"),
    };
}
