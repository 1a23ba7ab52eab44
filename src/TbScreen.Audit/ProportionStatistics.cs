namespace TbScreen.Audit;

/// <summary>Closed-form statistics of proportions: Wilson intervals and the two-proportion detectable difference.</summary>
public static class ProportionStatistics
{
    /// <summary>z for a two-sided alpha of 0.05.</summary>
    public const double ZAlpha = 1.959963984540054;

    /// <summary>z for a power of 0.80.</summary>
    public const double ZPower = 0.8416212335729143;

    /// <summary>Wilson score interval (95%) for k successes of n; null when n is 0.</summary>
    public static (double Low, double High)? Wilson(int successes, int n, double z = ZAlpha)
    {
        if (n == 0)
        {
            return null;
        }

        double p = (double)successes / n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The smallest difference d a two-sided test (alpha 0.05) detects with power 0.80 between a reference proportion
    /// p1 measured on n1 cases and a group of n2 cases: the smallest d on a 0.0001 grid with
    /// d &gt;= (z_0.975 + z_0.80) * sqrt(p1(1-p1)/n1 + p2(1-p2)/n2), where p2 = p1 + d (or p1 - d when p1 &gt; 0.5,
    /// the direction with room to move). Null when a group is empty or no d up to the bound of [0, 1] is detectable.
    /// </summary>
    public static double? MinimumDetectableDifference(double p1, int n1, int n2)
    {
        if (n1 <= 0 || n2 <= 0 || p1 is < 0 or > 1)
        {
            return null;
        }

        double direction = p1 > 0.5 ? -1 : 1;
        double room = direction > 0 ? 1 - p1 : p1;
        const double step = 0.0001;
        for (int k = 1; k * step <= room + 1e-12; k++)
        {
            double d = k * step;
            double p2 = p1 + direction * d;
            double se = Math.Sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
            if (d >= (ZAlpha + ZPower) * se)
            {
                return Math.Round(d, 4);
            }
        }

        return null;
    }
}
