using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

/// <summary>
/// The pixel-by-pixel flood fills MaskComponents used before it labelled runs: slow on a 20-megapixel film, but plain
/// enough to check by eye, so the run-based labelling must agree with them exactly.
/// </summary>
internal static class FloodFillReference
{
    public static (int[] Labels, List<MaskComponent> Components) Label(BinaryMask mask)
    {
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
                (top, bottom, left, right) = (Math.Min(top, y), Math.Max(bottom, y), Math.Min(left, x), Math.Max(right, x));
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && mask.Pixels[(ny * w) + nx] && labels[(ny * w) + nx] == 0)
                        {
                            labels[(ny * w) + nx] = label;
                            stack.Push((ny * w) + nx);
                        }
                    }
                }
            }

            components.Add(new MaskComponent(label, area, top, left, bottom, right));
        }

        return (labels, components.OrderByDescending(c => c.Area).ToList());
    }

    /// <summary>Background 4-connected to the border stays background; every other pixel becomes foreground.</summary>
    public static bool[] FillHoles(BinaryMask mask)
    {
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

        return outside.Select(o => !o).ToArray();
    }
}
