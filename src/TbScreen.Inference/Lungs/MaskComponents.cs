namespace TbScreen.Inference.Lungs;

/// <summary>One 8-connected region of a mask: its pixel count and bounding box (inclusive rows and columns).</summary>
public sealed record MaskComponent(int Label, int Area, int Top, int Left, int Bottom, int Right)
{
    public double CentreX => (Left + Right + 1) / 2.0;

    public double CentreY => (Top + Bottom + 1) / 2.0;
}

/// <summary>
/// The post-processing of a thresholded lung mask: keep the largest connected components (two lungs; specks and
/// stray blobs go) and fill holes (a lung field has none; a dark nodule or cavity can open one in the prediction).
/// </summary>
public static class MaskComponents
{
    /// <summary>8-connected components, largest first (ties: the one found first in row-major order).</summary>
    public static IReadOnlyList<MaskComponent> Find(BinaryMask mask) => Label(mask).Components;

    /// <summary>Keeps the <paramref name="count"/> largest 8-connected components.</summary>
    public static BinaryMask KeepLargest(BinaryMask mask, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var (runs, labelOfRoot, components) = Label(mask);
        var kept = new bool[components.Count + 1];
        foreach (var component in components.Take(count))
        {
            kept[component.Label] = true;
        }

        // Written run by run: a 20-megapixel film needs no per-pixel label array.
        var pixels = new bool[mask.Pixels.Length];
        for (int run = 0; run < runs.Count; run++)
        {
            if (kept[labelOfRoot[runs.Root(run)]])
            {
                Array.Fill(pixels, true, (runs.Row(run) * mask.Width) + runs.Start(run), runs.End(run) - runs.Start(run) + 1);
            }
        }

        return new BinaryMask(mask.Width, mask.Height, pixels);
    }

    /// <summary>
    /// Sets every background pixel that is not 4-connected to the image border: the background's 4-connectivity
    /// is the dual of the foreground's 8-connectivity used above.
    /// </summary>
    public static BinaryMask FillHoles(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;
        var background = MaskRuns.Of(mask, value: false, eightConnected: false);
        var outside = new bool[background.Count];
        for (int run = 0; run < background.Count; run++)
        {
            if (background.Row(run) == 0 || background.Row(run) == h - 1 || background.Start(run) == 0 || background.End(run) == w - 1)
            {
                outside[background.Root(run)] = true;
            }
        }

        var pixels = new bool[mask.Pixels.Length];
        Array.Fill(pixels, true);
        for (int run = 0; run < background.Count; run++)
        {
            if (outside[background.Root(run)])
            {
                Array.Fill(pixels, false, (background.Row(run) * w) + background.Start(run), background.End(run) - background.Start(run) + 1);
            }
        }

        return new BinaryMask(w, h, pixels);
    }

    /// <summary>Threshold-free clean-up the segmenter applies: <see cref="KeepLargest"/> (2), then <see cref="FillHoles"/>.</summary>
    public static BinaryMask PostProcess(BinaryMask mask, int keep = 2) => FillHoles(KeepLargest(mask, keep));

    /// <summary>The foreground's runs, the component label of each root run (1-based, in discovery order), and the components largest first.</summary>
    private static (MaskRuns Runs, int[] LabelOfRoot, List<MaskComponent> Components) Label(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var runs = MaskRuns.Of(mask, value: true, eightConnected: true);
        var labelOfRoot = new int[runs.Count];
        var boxes = new List<(int Area, int Top, int Left, int Bottom, int Right)>();
        // Runs in row-major order: a component's first run holds its first pixel, so labels follow discovery order.
        for (int run = 0; run < runs.Count; run++)
        {
            int root = runs.Root(run);
            if (labelOfRoot[root] == 0)
            {
                boxes.Add((0, int.MaxValue, int.MaxValue, -1, -1));
                labelOfRoot[root] = boxes.Count;
            }

            int label = labelOfRoot[root], y = runs.Row(run), first = runs.Start(run), last = runs.End(run);
            var box = boxes[label - 1];
            boxes[label - 1] = (box.Area + last - first + 1, Math.Min(box.Top, y), Math.Min(box.Left, first), Math.Max(box.Bottom, y), Math.Max(box.Right, last));
        }

        var components = boxes.Select((b, i) => new MaskComponent(i + 1, b.Area, b.Top, b.Left, b.Bottom, b.Right));
        // Stable sort: equal areas keep their row-major discovery order.
        return (runs, labelOfRoot, components.OrderByDescending(c => c.Area).ToList());
    }
}
