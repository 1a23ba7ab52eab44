namespace TbScreen.Inference.Metrics;

/// <summary>One ROC operating point: calling score &gt;= Threshold positive gives these rates.</summary>
public readonly record struct RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

public static class RocCurve
{
    /// <summary>
    /// Points from (0,0) at threshold +inf down to (1,1), one per distinct score, so tied scores form one
    /// diagonal step (which is what makes the trapezoid area equal the Mann-Whitney AUC). Empty for a single class.
    /// </summary>
    public static IReadOnlyList<RocPoint> Points(ScoredCases cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.SingleClassReason is not null)
        {
            return [];
        }

        int m = cases.Positives.Length;
        int n = cases.Negatives.Length;
        int[] order = Enumerable.Range(0, cases.Count).OrderByDescending(i => cases.Scores[i]).ToArray();
        var points = new List<RocPoint> { new(double.PositiveInfinity, 0, 0) };
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            if (cases.Labels[i])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            bool lastOfTie = k + 1 == order.Length || cases.Scores[order[k + 1]] != cases.Scores[i];
            if (lastOfTie)
            {
                points.Add(new RocPoint(cases.Scores[i], (double)fp / n, (double)tp / m));
            }
        }

        return points;
    }

    /// <summary>Trapezoid area under the points; equals the Mann-Whitney AUC.</summary>
    public static double Area(IReadOnlyList<RocPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        double area = 0;
        for (int i = 1; i < points.Count; i++)
        {
            area += (points[i].FalsePositiveRate - points[i - 1].FalsePositiveRate)
                * (points[i].TruePositiveRate + points[i - 1].TruePositiveRate) / 2;
        }

        return area;
    }
}
