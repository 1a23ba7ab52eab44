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
        var (labels, components) = Label(mask);
        var kept = components.Take(count).Select(c => c.Label).ToHashSet();
        var pixels = new bool[mask.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = labels[i] > 0 && kept.Contains(labels[i]);
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
        var outside = new bool[mask.Pixels.Length];
        var stack = new Stack<int>();
        void Seed(int i)
        {
            if (!mask.Pixels[i] && !outside[i])
            {
                outside[i] = true;
                stack.Push(i);
            }
        }

        for (int x = 0; x < w; x++)
        {
            Seed(x);
            Seed(((h - 1) * w) + x);
        }

        for (int y = 0; y < h; y++)
        {
            Seed(y * w);
            Seed((y * w) + w - 1);
        }

        while (stack.Count > 0)
        {
            int i = stack.Pop();
            int x = i % w, y = i / w;
            if (x > 0) Seed(i - 1);
            if (x < w - 1) Seed(i + 1);
            if (y > 0) Seed(i - w);
            if (y < h - 1) Seed(i + w);
        }

        return new BinaryMask(w, h, outside.Select(o => !o).ToArray());
    }

    /// <summary>Threshold-free clean-up the segmenter applies: <see cref="KeepLargest"/> (2), then <see cref="FillHoles"/>.</summary>
    public static BinaryMask PostProcess(BinaryMask mask, int keep = 2) => FillHoles(KeepLargest(mask, keep));

    private static (int[] Labels, List<MaskComponent> Components) Label(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;
        var labels = new int[mask.Pixels.Length];
        var components = new List<MaskComponent>();
        var stack = new Stack<int>();
        for (int start = 0; start < labels.Length; start++)
        {
            if (!mask.Pixels[start] || labels[start] != 0)
            {
                continue;
            }

            int label = components.Count + 1, area = 0;
            int top = int.MaxValue, left = int.MaxValue, bottom = -1, right = -1;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                int x = i % w, y = i / w;
                area++;
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                        {
                            continue;
                        }

                        int n = (ny * w) + nx;
                        if (mask.Pixels[n] && labels[n] == 0)
                        {
                            labels[n] = label;
                            stack.Push(n);
                        }
                    }
                }
            }

            components.Add(new MaskComponent(label, area, top, left, bottom, right));
        }

        // Stable sort: equal areas keep their row-major discovery order.
        return (labels, components.OrderByDescending(c => c.Area).ToList());
    }
}
