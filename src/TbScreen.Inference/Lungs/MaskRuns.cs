namespace TbScreen.Inference.Lungs;

/// <summary>
/// Connected components by runs: each row's horizontal runs of one value are joined to the touching runs of the row
/// above with union-find, so a 20-megapixel film costs a pass over its pixels and a few operations per run, not a
/// stack push and eight neighbour tests per pixel.
/// </summary>
internal sealed class MaskRuns
{
    private readonly int[] start, end, row, parent;

    /// <summary>Index of each row's first run; entry Height is <see cref="Count"/>.</summary>
    private readonly int[] rowFirst;

    private MaskRuns(List<int> start, List<int> end, List<int> row, int[] rowFirst)
    {
        this.start = [.. start];
        this.end = [.. end];
        this.row = [.. row];
        this.rowFirst = rowFirst;
        parent = new int[this.start.Length];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }
    }

    public int Count => start.Length;

    public int Start(int run) => start[run];

    public int End(int run) => end[run];

    public int Row(int run) => row[run];

    /// <summary>
    /// The runs of pixels equal to <paramref name="value"/>, joined across rows: with <paramref name="eightConnected"/>
    /// runs whose columns touch diagonally join too (the foreground's connectivity), else only overlapping runs (the
    /// background's, its dual).
    /// </summary>
    public static MaskRuns Of(BinaryMask mask, bool value, bool eightConnected)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int w = mask.Width, h = mask.Height;
        bool[] pixels = mask.Pixels;
        List<int> starts = [], ends = [], rows = [];
        var rowFirst = new int[h + 1];
        for (int y = 0; y < h; y++)
        {
            rowFirst[y] = starts.Count;
            // Vectorised searches for each run's edges: most of a film's rows are a few long runs.
            ReadOnlySpan<bool> line = pixels.AsSpan(y * w, w);
            int x = 0;
            while (x < w)
            {
                int first = line[x..].IndexOf(value);
                if (first < 0)
                {
                    break;
                }

                first += x;
                int length = line[first..].IndexOf(!value);
                x = length < 0 ? w : first + length;
                starts.Add(first);
                ends.Add(x - 1);
                rows.Add(y);
            }
        }

        rowFirst[h] = starts.Count;
        var runs = new MaskRuns(starts, ends, rows, rowFirst);
        runs.JoinRows(h, eightConnected ? 1 : 0);
        return runs;
    }

    public int Root(int run)
    {
        while (parent[run] != run)
        {
            parent[run] = parent[parent[run]];
            run = parent[run];
        }

        return run;
    }

    /// <summary>Two-pointer sweep over each pair of adjacent rows; runs touch when their columns, widened by reach, overlap.</summary>
    private void JoinRows(int height, int reach)
    {
        for (int y = 1; y < height; y++)
        {
            int a = rowFirst[y - 1], aEnd = rowFirst[y], b = rowFirst[y], bEnd = rowFirst[y + 1];
            while (a < aEnd && b < bEnd)
            {
                if (end[a] + reach < start[b])
                {
                    a++;
                }
                else if (end[b] + reach < start[a])
                {
                    b++;
                }
                else
                {
                    int ra = Root(a), rb = Root(b);
                    if (ra != rb)
                    {
                        // The earlier run stays the root, so a component's root is its first run in row-major order.
                        parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
                    }

                    if (end[a] < end[b])
                    {
                        a++;
                    }
                    else
                    {
                        b++;
                    }
                }
            }
        }
    }
}
