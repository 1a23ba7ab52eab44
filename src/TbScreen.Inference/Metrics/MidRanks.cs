namespace TbScreen.Inference.Metrics;

internal static class MidRanks
{
    /// <summary>1-based ranks with ties given the mean of the ranks they span (what Mann-Whitney needs).</summary>
    public static double[] Of(IReadOnlyList<double> values)
    {
        int n = values.Count;
        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
        var ranks = new double[n];
        int i = 0;
        while (i < n)
        {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            double mid = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
            {
                ranks[order[k]] = mid;
            }

            i = j + 1;
        }

        return ranks;
    }
}
