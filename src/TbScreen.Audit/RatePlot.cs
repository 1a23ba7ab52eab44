using System.Globalization;
using System.Net;
using System.Text;

namespace TbScreen.Audit;

/// <summary>Inline SVG: per-group TPR and FPR as dots with 95% CI bars, one row per group. No external assets.</summary>
public static class RatePlot
{
    private const int Left = 230;
    private const int Width = 400;
    private const int RowHeight = 22;

    public static string TprFpr(IReadOnlyList<GroupMetrics> groups, string title)
    {
        ArgumentNullException.ThrowIfNull(groups);
        int height = 60 + RowHeight * Math.Max(1, groups.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Left + Width + 30}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + Width / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"14\">{WebUtility.HtmlEncode(title)}</text>\n");
        for (int t = 0; t <= 10; t += 2)
        {
            double x = X(t / 10.0);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"30\" x2=\"{x}\" y2=\"{height - 25}\" stroke=\"#ddd\"/><text x=\"{x}\" y=\"{height - 10}\" text-anchor=\"middle\">{t / 10.0:0.0}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Left + 10}\" cy=\"{height - 14}\" r=\"4\" fill=\"#1f77b4\"/><text x=\"{Left + 18}\" y=\"{height - 10}\">TPR</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Left + 70}\" cy=\"{height - 14}\" r=\"4\" fill=\"#d62728\"/><text x=\"{Left + 78}\" y=\"{height - 10}\">FPR</text>\n");
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            double y = 40 + RowHeight * i;
            string label = $"{g.Name} (n={g.N}){(g.SmallGroup ? " *small" : "")}";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 4}\" text-anchor=\"end\">{WebUtility.HtmlEncode(label)}</text>\n");
            Point(svg, g.Tpr, g.TprCi, y - 3, "#1f77b4");
            Point(svg, g.Fpr, g.FprCi, y + 3, "#d62728");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void Point(StringBuilder svg, double? value, double[]? ci, double y, string colour)
    {
        if (ci is [double lo, double hi])
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(lo):0.#}\" y1=\"{y}\" x2=\"{X(hi):0.#}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
        }

        if (value is double v)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(v):0.#}\" cy=\"{y}\" r=\"4\" fill=\"{colour}\"/>\n");
        }
    }

    private static double X(double v) => Left + v * Width;
}
