using System.Globalization;
using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class RadiographViewerTests : BunitContext
{
    private static string Url(double? center, double? width) =>
        center is null ? "/img/1.png" : string.Create(CultureInfo.InvariantCulture, $"/img/1.png?wc={center}&ww={width}");

    private IRenderedComponent<RadiographViewer> RenderViewer(string? heatmap = "/img/1/heatmap.png") =>
        Render<RadiographViewer>(p => p
            .Add(c => c.ImageUrl, Url)
            .Add(c => c.HeatmapUrl, heatmap)
            .Add(c => c.RangeMin, 0)
            .Add(c => c.RangeMax, 4095));

    [Fact]
    public void Heatmap_is_shown_by_default_and_the_toggle_hides_it()
    {
        var cut = RenderViewer();
        Assert.Single(cut.FindAll("img.tb-viewer__heatmap"));

        cut.Find("input[type=checkbox]").Change(false);

        Assert.Empty(cut.FindAll("img.tb-viewer__heatmap"));
        Assert.True(cut.Find("input[type=range][max='100']").HasAttribute("disabled"));

        cut.Find("input[type=checkbox]").Change(true);
        Assert.Single(cut.FindAll("img.tb-viewer__heatmap"));
    }

    [Fact]
    public void Heatmap_toggle_has_an_accessible_label()
    {
        var cut = RenderViewer();
        var toggle = cut.Find("input[type=checkbox]");
        var label = cut.Find($"label[for='{toggle.Id}']");
        Assert.Equal("Show heatmap overlay", label.TextContent.Trim());
    }

    [Fact]
    public void Opacity_slider_changes_the_overlay_class_and_no_style_attribute_is_rendered()
    {
        var cut = RenderViewer();
        var heatmap = cut.Find("img.tb-viewer__heatmap");
        Assert.Contains("tb-viewer__heatmap--o45", heatmap.ClassList);
        Assert.Null(heatmap.GetAttribute("style"));

        cut.Find("input[type=range][max='100']").Change("80");
        Assert.Contains("tb-viewer__heatmap--o80", cut.Find("img.tb-viewer__heatmap").ClassList);

        // Off-step, out-of-range and unreadable values land on a step the stylesheet has.
        cut.Find("input[type=range][max='100']").Change("83");
        Assert.Contains("tb-viewer__heatmap--o85", cut.Find("img.tb-viewer__heatmap").ClassList);
        cut.Find("input[type=range][max='100']").Change("140");
        Assert.Contains("tb-viewer__heatmap--o100", cut.Find("img.tb-viewer__heatmap").ClassList);
        cut.Find("input[type=range][max='100']").Change("NaN");
        Assert.Contains("tb-viewer__heatmap--o100", cut.Find("img.tb-viewer__heatmap").ClassList);
        Assert.Empty(cut.FindAll("[style]"));
    }

    [Theory]
    [InlineData(0.42, 40)]
    [InlineData(0.425, 45)]
    [InlineData(-1, 0)]
    [InlineData(double.NaN, 0)]
    public void Initial_opacity_is_rounded_to_a_step(double initial, int step)
    {
        var cut = Render<RadiographViewer>(p => p
            .Add(c => c.ImageUrl, Url)
            .Add(c => c.HeatmapUrl, "/img/1/heatmap.png")
            .Add(c => c.InitialOpacity, initial));
        Assert.Contains($"tb-viewer__heatmap--o{step}", cut.Find("img.tb-viewer__heatmap").ClassList);
        Assert.Equal(step.ToString(CultureInfo.InvariantCulture), cut.Find("input[type=range][max='100']").GetAttribute("value"));
    }

    /// <summary>Every class the viewer can set is styled: the stylesheet has one opacity rule per step, each its value.</summary>
    [Fact]
    public void The_stylesheet_styles_every_opacity_step()
    {
        string css = File.ReadAllText(Path.Combine(ComponentSources.Directory, "RadiographViewer.razor.css"));
        for (int percent = 0; percent <= 100; percent += RadiographViewer.OpacityStep)
        {
            string rule = $".tb-viewer__heatmap--o{percent} {{ opacity: {(percent / 100.0).ToString("0.00", CultureInfo.InvariantCulture)}; }}";
            Assert.Contains(rule, css, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_heatmap_there_is_no_overlay_and_no_toggle()
    {
        var cut = RenderViewer(heatmap: null);
        Assert.Empty(cut.FindAll("img.tb-viewer__heatmap"));
        Assert.Empty(cut.FindAll("input[type=checkbox]"));
        Assert.Contains("No heatmap for this result", cut.Markup);
    }

    [Fact]
    public void Window_presets_change_the_image_url()
    {
        (double? Center, double? Width) reported = (-1, -1);
        var cut = Render<RadiographViewer>(p => p
            .Add(c => c.ImageUrl, Url)
            .Add(c => c.RangeMin, 0)
            .Add(c => c.RangeMax, 4000)
            .Add(c => c.OnWindowChanged, w => reported = w));
        Assert.Equal("/img/1.png", cut.Find("img.tb-viewer__image").GetAttribute("src"));
        Assert.Equal("true", cut.Find("[data-preset=Default]").GetAttribute("aria-pressed"));

        cut.Find("[data-preset=Lung]").Click();
        Assert.Equal("/img/1.png?wc=1600&ww=2000", cut.Find("img.tb-viewer__image").GetAttribute("src"));
        Assert.Equal((1600d, 2000d), (reported.Center, reported.Width));
        Assert.Equal("true", cut.Find("[data-preset=Lung]").GetAttribute("aria-pressed"));

        cut.Find("[data-preset=Full]").Click();
        Assert.Equal("/img/1.png?wc=2000&ww=4000", cut.Find("img.tb-viewer__image").GetAttribute("src"));

        cut.Find("[data-preset=Default]").Click();
        Assert.Equal("/img/1.png", cut.Find("img.tb-viewer__image").GetAttribute("src"));
    }

    [Fact]
    public void Width_slider_sets_a_custom_window_around_the_default_centre()
    {
        var cut = Render<RadiographViewer>(p => p
            .Add(c => c.ImageUrl, Url)
            .Add(c => c.DefaultCenter, 1000)
            .Add(c => c.DefaultWidth, 1500));

        cut.Find("input[id$='-width']").Change("900");

        Assert.Equal("/img/1.png?wc=1000&ww=900", cut.Find("img.tb-viewer__image").GetAttribute("src"));
        Assert.All(cut.FindAll("[data-preset]"), b => Assert.Equal("false", b.GetAttribute("aria-pressed")));
    }

    [Fact]
    public void Standard_presets_reject_an_empty_range() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowPreset.Standard(10, 10));
}
