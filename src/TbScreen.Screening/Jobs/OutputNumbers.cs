namespace TbScreen.Screening.Jobs;

/// <summary>The rounding both formats share, so CSV and JSON carry the same numbers.</summary>
public static class OutputNumbers
{
    /// <summary>Six decimals: far below any threshold's meaning, and short enough to read.</summary>
    public static double Probability(double value) => Math.Round(value, 6);

    public static double Seconds(double value) => Math.Round(value, 3);
}
