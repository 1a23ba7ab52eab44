namespace TbScreen.Training.Augmentation;

/// <summary>
/// Draws marker-like text (side markers, "PA", dates) into a gray plane with a 5x7 dot font: sites burn in
/// different labels, so a net must see them on TB and normal films alike to stop using them.
/// </summary>
public static class BurnedInText
{
    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['L'] = ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
        ['R'] = ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
        ['P'] = ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
        ['A'] = ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
        ['E'] = ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
        ['T'] = ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
        ['0'] = ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
        ['1'] = ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
        ['2'] = ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
        ['5'] = ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
        ['9'] = ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    };

    private static readonly string[] Words = ["L", "R", "PA", "AP", "ERECT", "L 1", "R 2", "2019", "05 12", "T 9"];

    public static IReadOnlyCollection<char> Characters => Glyphs.Keys;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each dot a scale x scale square.</summary>
    public static void Draw(float[] plane, int size, string text, int x, int y, int scale, float value) =>
        Draw(plane, size, size, text, x, y, scale, value);

    /// <summary>As the square overload, on a width x height plane; dots outside it are clipped.</summary>
    public static void Draw(float[] plane, int width, int height, string text, int x, int y, int scale, float value)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(text);
        int cursor = x;
        foreach (char c in text)
        {
            if (Glyphs.TryGetValue(c, out var rows))
            {
                for (int r = 0; r < rows.Length; r++)
                {
                    for (int col = 0; col < rows[r].Length; col++)
                    {
                        if (rows[r][col] == '1')
                        {
                            FillSquare(plane, width, height, cursor + col * scale, y + r * scale, scale, value);
                        }
                    }
                }
            }

            cursor += 6 * scale; // five dots and one space
        }
    }

    /// <summary>One to three random words near the edges, bright or dark.</summary>
    public static void DrawRandom(float[] plane, int size, Random random)
    {
        int words = 1 + random.Next(3);
        for (int w = 0; w < words; w++)
        {
            string word = Words[random.Next(Words.Length)];
            int scale = 1 + random.Next(Math.Max(1, size / 112));
            int width = word.Length * 6 * scale, height = 7 * scale;
            int margin = size / 5;
            // Markers sit near a corner or an edge, where sites put them.
            int x = random.Next(2) == 0 ? random.Next(Math.Max(1, margin)) : Math.Max(0, size - width - random.Next(Math.Max(1, margin)));
            int y = random.Next(2) == 0 ? random.Next(Math.Max(1, margin)) : Math.Max(0, size - height - random.Next(Math.Max(1, margin)));
            Draw(plane, size, word, x, y, scale, random.Next(4) == 0 ? 0f : 1f);
        }
    }

    private static void FillSquare(float[] plane, int width, int height, int x0, int y0, int scale, float value)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(height, y0 + scale); y++)
        {
            for (int x = Math.Max(0, x0); x < Math.Min(width, x0 + scale); x++)
            {
                plane[y * width + x] = value;
            }
        }
    }
}
