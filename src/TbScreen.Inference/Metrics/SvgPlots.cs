using System.Globalization;
using System.Net;
using System.Text;

namespace TbScreen.Inference.Metrics;

/// <summary>A named ROC curve for plotting; the legend shows the AUC when known.</summary>
public sealed record RocSeries(string Name, IReadOnlyList<RocPoint> Points, double? Auc);

/// <summary>Plain SVG text for the ROC curve and the reliability diagram: no plotting package, diff-friendly output.</summary>
public static class SvgPlots
{
    private const int Size = 400;
    private const int Margin = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <param name="operatingPoint">An optional marked point (e.g. a site's proposed threshold) with its label.</param>
    public static string Roc(IReadOnlyList<RocSeries> series, string title = "ROC", (double FalsePositiveRate, double TruePositiveRate, string Label)? operatingPoint = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var svg = Begin(title, "False positive rate (1 - specificity)", "True positive rate (sensitivity)");
        Line(svg, 0, 0, 1, 1, "#999", dashed: true);
        for (int s = 0; s < series.Count; s++)
        {
            string colour = Colours[s % Colours.Length];
            var points = series[s].Points.Select(p => (p.FalsePositiveRate, p.TruePositiveRate));
            Polyline(svg, points, colour);
            string auc = series[s].Auc is double a ? F(a, "0.000") : "n/a";
            Legend(svg, s, colour, $"{series[s].Name} (AUC {auc})");
        }

        if (series.All(s => s.Points.Count == 0))
        {
            Text(svg, Margin + Size / 2.0, Margin + Size / 2.0, "no ROC: a single class", "middle");
        }

        if (operatingPoint is var (fpr, tpr, label))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(fpr))}\" cy=\"{F(Y(tpr))}\" r=\"5\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n");
            Text(svg, X(fpr) + 8, Y(tpr) + 14, label, "start");
        }

        return End(svg);
    }

    public static string Reliability(IReadOnlyList<CalibrationBin> bins, double? ece, string title = "Reliability")
    {
        ArgumentNullException.ThrowIfNull(bins);
        var svg = Begin(title, "Mean predicted probability", "Fraction positive");
        Line(svg, 0, 0, 1, 1, "#999", dashed: true);
        foreach (var bin in bins.Where(b => b.Count > 0))
        {
            double x0 = X(bin.Lower) + 1;
            double width = X(bin.Upper) - X(bin.Lower) - 2;
            double top = Y(bin.FractionPositive!.Value);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x0)}\" y=\"{F(top)}\" width=\"{F(width)}\" height=\"{F(Y(0) - top)}\" fill=\"#1f77b4\" fill-opacity=\"0.5\"><title>n={bin.Count}</title></rect>\n");
        }

        Polyline(svg, bins.Where(b => b.Count > 0).Select(b => (b.MeanPredicted!.Value, b.FractionPositive!.Value)), "#d62728");
        Legend(svg, 0, "#d62728", $"ECE {(ece is double e ? F(e, "0.000") : "n/a")}");
        return End(svg);
    }

    private static StringBuilder Begin(string title, string xLabel, string yLabel)
    {
        var svg = new StringBuilder();
        int full = Size + 2 * Margin;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{full}\" height=\"{full}\" viewBox=\"0 0 {full} {full}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Text(svg, full / 2.0, 20, title, "middle", "14");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Size}\" height=\"{Size}\" fill=\"none\" stroke=\"black\"/>\n");
        for (int t = 0; t <= 10; t += 2)
        {
            double v = t / 10.0;
            Text(svg, X(v), Y(0) + 15, F(v, "0.0"), "middle");
            Text(svg, X(0) - 5, Y(v) + 4, F(v, "0.0"), "end");
        }

        Text(svg, full / 2.0, full - 10, xLabel, "middle");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"15\" y=\"{full / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 15 {full / 2})\">{WebUtility.HtmlEncode(yLabel)}</text>\n");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string colour, bool dashed) =>
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(x1))}\" y1=\"{F(Y(y1))}\" x2=\"{F(X(x2))}\" y2=\"{F(Y(y2))}\" stroke=\"{colour}\"{(dashed ? " stroke-dasharray=\"4 4\"" : "")}/>\n");

    private static void Polyline(StringBuilder svg, IEnumerable<(double X, double Y)> points, string colour)
    {
        string coords = string.Join(' ', points.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"));
        if (coords.Length > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{coords}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
        }
    }

    private static void Legend(StringBuilder svg, int row, string colour, string label)
    {
        double y = Margin + Size - 15 - 18 * row;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0.45)}\" y1=\"{F(y - 4)}\" x2=\"{X(0.5)}\" y2=\"{F(y - 4)}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
        Text(svg, X(0.52), y, label, "start");
    }

    private static void Text(StringBuilder svg, double x, double y, string text, string anchor, string size = "12") =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" font-size=\"{size}\">{WebUtility.HtmlEncode(text)}</text>\n");

    private static double X(double v) => Margin + v * Size;

    private static double Y(double v) => Margin + (1 - v) * Size;

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);
}
