namespace TbScreen.Imaging;

/// <summary>VOI transforms with ymin = 0 and ymax = 1, exactly as PS3.3 C.11.2.1.2 writes them.</summary>
internal static class VoiMath
{
    /// <summary>Windows the standard forbids (LINEAR width &lt; 1, others width &lt;= 0) are unusable, as are empty tables.</summary>
    public static bool IsUsable(VoiTransform? voi) => voi switch
    {
        WindowVoi w => double.IsFinite(w.Center) && double.IsFinite(w.Width)
            && (w.Function == VoiLutFunction.Linear ? w.Width >= 1 : w.Width > 0),
        TableVoi t => t.Table.Entries.Length > 0 && t.Table.BitsPerEntry is >= 1 and <= 31,
        _ => false,
    };

    public static double Apply(VoiTransform voi, double x) => voi switch
    {
        WindowVoi w => ApplyWindow(w, x),
        TableVoi t => ApplyTable(t.Table, x),
        _ => throw new NotSupportedException($"Unknown VOI transform {voi.GetType().Name}."),
    };

    public static double ApplyWindow(WindowVoi window, double x)
    {
        double c = window.Center;
        double w = window.Width;
        switch (window.Function)
        {
            case VoiLutFunction.Linear:
                // With w == 1 both edges coincide, so the division below is never reached.
                if (x <= c - 0.5 - ((w - 1) / 2))
                {
                    return 0;
                }

                if (x > c - 0.5 + ((w - 1) / 2))
                {
                    return 1;
                }

                return ((x - (c - 0.5)) / (w - 1)) + 0.5;

            case VoiLutFunction.LinearExact:
                if (x <= c - (w / 2))
                {
                    return 0;
                }

                if (x > c + (w / 2))
                {
                    return 1;
                }

                return ((x - c) / w) + 0.5;

            case VoiLutFunction.Sigmoid:
                return 1 / (1 + Math.Exp(-4 * (x - c) / w));

            default:
                throw new NotSupportedException($"Unknown VOI LUT function {window.Function}.");
        }
    }

    /// <summary>A VOI LUT's output range is 0 .. 2^BitsPerEntry - 1; rescale it to [0,1].</summary>
    public static double ApplyTable(LookupTable table, double x)
    {
        double max = (1L << table.BitsPerEntry) - 1;
        return Math.Clamp(table.Map(x) / max, 0, 1);
    }
}
