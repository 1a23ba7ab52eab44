using System.Globalization;
using System.Net;
using System.Text;

namespace TbScreen.Audit.Bias;

/// <summary>
/// Wick et al.'s picture: accuracy (y) against a fairness gap (x, absolute) for every model, one series per
/// evaluation labelling (biased: open circles, clean: filled), each point labelled with its model. Inline SVG.
/// </summary>
public static class BiasPlot
{
    private const int Left = 60, Top = 40, Width = 420, Height = 300;

    public static string AccuracyVsGap(BiasExperimentReport report, Func<BiasEvaluation, double?> gap, string gapName)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(gap);
        var points = report.Settings.SelectMany(s => new[] { (s, s.Biased), (s, s.Clean) })
            .Select(p => (Setting: p.Item1, Eval: p.Item2, X: Math.Abs(gap(p.Item2) ?? double.NaN), Y: p.Item2.Accuracy))
            .ToList();
        double xMax = Math.Max(0.1, Math.Ceiling(points.Where(p => double.IsFinite(p.X)).Select(p => p.X).DefaultIfEmpty(0).Max() * 10 + 0.5) / 10);
        double yMin = Math.Min(0.9, Math.Floor(points.Select(p => p.Y).DefaultIfEmpty(1).Min() * 10 - 0.5) / 10);
        yMin = Math.Max(0, yMin);
        double X(double v) => Left + v / xMax * Width;
        double Y(double v) => Top + (1 - (v - yMin) / (1 - yMin)) * Height;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Left + Width + 140}\" height=\"{Top + Height + 50}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">{WebUtility.HtmlEncode($"Accuracy vs |{gapName}|, group {report.Group}")}</text>\n");
        for (int i = 0; i <= 5; i++)
        {
            double xv = xMax * i / 5, yv = yMin + (1 - yMin) * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(xv):0.#}\" y1=\"{Top}\" x2=\"{X(xv):0.#}\" y2=\"{Top + Height}\" stroke=\"#ddd\"/><text x=\"{X(xv):0.#}\" y=\"{Top + Height + 15}\" text-anchor=\"middle\">{xv:0.00}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Y(yv):0.#}\" x2=\"{Left + Width}\" y2=\"{Y(yv):0.#}\" stroke=\"#ddd\"/><text x=\"{Left - 5}\" y=\"{Y(yv) + 4:0.#}\" text-anchor=\"end\">{yv:0.00}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + Width / 2}\" y=\"{Top + Height + 35}\" text-anchor=\"middle\">|{WebUtility.HtmlEncode(gapName)}| (group vs rest)</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + Height / 2}\" transform=\"rotate(-90 14 {Top + Height / 2})\" text-anchor=\"middle\">accuracy</text>\n");
        foreach (var labelling in new[] { BiasEvaluation.BiasedLabels, BiasEvaluation.CleanLabels })
        {
            var series = points.Where(p => p.Eval.Labels == labelling && double.IsFinite(p.X)).ToList();
            string colour = labelling == BiasEvaluation.CleanLabels ? "#1f77b4" : "#d62728";
            string fill = labelling == BiasEvaluation.CleanLabels ? colour : "white";
            if (series.Count > 1)
            {
                string path = string.Join(" ", series.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):0.#},{Y(p.Y):0.#}")));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-dasharray=\"4 3\"/>\n");
            }

            foreach (var p in series)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.X):0.#}\" cy=\"{Y(p.Y):0.#}\" r=\"5\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"2\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(p.X) + 7:0.#}\" y=\"{Y(p.Y) - 6:0.#}\" fill=\"{colour}\">{WebUtility.HtmlEncode(p.Setting.Name)}</text>\n");
            }
        }

        int legendX = Left + Width + 15;
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{legendX}\" cy=\"{Top + 10}\" r=\"5\" fill=\"white\" stroke=\"#d62728\" stroke-width=\"2\"/><text x=\"{legendX + 10}\" y=\"{Top + 14}\">biased labels</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{legendX}\" cy=\"{Top + 30}\" r=\"5\" fill=\"#1f77b4\" stroke=\"#1f77b4\" stroke-width=\"2\"/><text x=\"{legendX + 10}\" y=\"{Top + 34}\">clean labels</text>\n");
        return svg.Append("</svg>\n").ToString();
    }
}
