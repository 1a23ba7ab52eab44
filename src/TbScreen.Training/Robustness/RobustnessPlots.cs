using System.Globalization;
using System.Net;
using System.Text;

namespace TbScreen.Training.Robustness;

public sealed record PlotSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>Small dependency-free SVG line charts for the robustness report.</summary>
public static class RobustnessPlots
{
    private const int Width = 560, Height = 380, Left = 70, Right = 170, Top = 40, Bottom = 60;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <param name="logY">Plot log10(y); for quantities spanning orders of magnitude (non-positive values are dropped).</param>
    public static string LineChart(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series, double? yMin = null, double? yMax = null, bool logY = false)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y) && (!logY || p.Y > 0)).ToArray();
        double x0 = points.Length > 0 ? points.Min(p => p.X) : 0, x1 = points.Length > 0 ? points.Max(p => p.X) : 1;
        double Transform(double y) => logY ? Math.Log10(y) : y;
        double y0 = yMin ?? (points.Length > 0 ? points.Min(p => Transform(p.Y)) : 0);
        double y1 = yMax ?? (points.Length > 0 ? points.Max(p => Transform(p.Y)) : 1);
        if (x1 <= x0)
        {
            x1 = x0 + 1;
        }

        if (y1 <= y0)
        {
            y1 = y0 + 1;
        }

        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double Px(double x) => Left + (x - x0) / (x1 - x0) * plotWidth;
        double Py(double y) => Top + plotHeight - (Transform(y) - y0) / (y1 - y0) * plotHeight;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n"));
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#444\"/>\n"));
        for (int t = 0; t <= 4; t++)
        {
            double xv = x0 + (x1 - x0) * t / 4, yv = y0 + (y1 - y0) * t / 4;
            double px = Left + plotWidth * t / 4, py = Top + plotHeight - plotHeight * t / 4;
            svg.Append(Invariant($"<line x1=\"{px:0.#}\" y1=\"{Top + plotHeight}\" x2=\"{px:0.#}\" y2=\"{Top + plotHeight + 4}\" stroke=\"#444\"/><text x=\"{px:0.#}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{xv:0.##}</text>\n"));
            string yText = logY ? Invariant($"{Math.Pow(10, yv):G3}") : Invariant($"{yv:0.###}");
            svg.Append(Invariant($"<line x1=\"{Left - 4}\" y1=\"{py:0.#}\" x2=\"{Left + plotWidth}\" y2=\"{py:0.#}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{py + 4:0.#}\" text-anchor=\"end\">{yText}</text>\n"));
        }

        svg.Append(Invariant($"<text x=\"{Left + plotWidth / 2}\" y=\"{Height - 18}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(16,{Top + plotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel + (logY ? " (log scale)" : ""))}</text>\n"));
        for (int s = 0; s < series.Count; s++)
        {
            string colour = Colours[s % Colours.Length];
            var valid = series[s].Points.Where(p => double.IsFinite(p.Y) && (!logY || p.Y > 0)).OrderBy(p => p.X).ToArray();
            if (valid.Length > 0)
            {
                svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"");
                svg.AppendJoin(' ', valid.Select(p => Invariant($"{Px(p.X):0.#},{Py(p.Y):0.#}")));
                svg.Append("\"/>\n");
                foreach (var p in valid)
                {
                    svg.Append(Invariant($"<circle cx=\"{Px(p.X):0.#}\" cy=\"{Py(p.Y):0.#}\" r=\"3\" fill=\"{colour}\"/>\n"));
                }
            }

            double ly = Top + 10 + s * 18;
            svg.Append(Invariant($"<line x1=\"{Width - Right + 12}\" y1=\"{ly}\" x2=\"{Width - Right + 32}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{Width - Right + 38}\" y=\"{ly + 4}\">{Escape(series[s].Name)}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
