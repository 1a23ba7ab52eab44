using TbScreen.Imaging;
using TbScreen.Web.Viewing;

namespace TbScreen.Web.Tests;

/// <summary>Viewer requests decode a file once while it is cached; the cache stays within its pixel budget (issue 17).</summary>
public sealed class DecodedImageCacheTests
{
    [Fact]
    public void A_file_is_decoded_once_and_the_least_recently_used_leaves_first()
    {
        var cache = new DecodedImageCache(maxPixels: 250);
        var decodes = new Dictionary<string, int>();
        Radiograph Get(string sha) => cache.GetOrDecode(sha, () =>
        {
            decodes[sha] = decodes.GetValueOrDefault(sha) + 1;
            return Image(10, 10);
        });

        var a = Get("a");
        Assert.Same(a, Get("a"));
        Get("b");
        Get("a"); // a is now the most recent
        Get("c"); // 300 pixels > 250: b, the least recently used, leaves

        Assert.Equal(200, cache.Pixels);
        Get("a");
        Get("b");
        Assert.Equal(1, decodes["a"]);
        Assert.Equal(2, decodes["b"]);
    }

    [Fact]
    public void An_image_larger_than_the_budget_is_returned_but_never_kept()
    {
        var cache = new DecodedImageCache(maxPixels: 50);
        int decodes = 0;
        cache.GetOrDecode("big", () => { decodes++; return Image(10, 10); });
        cache.GetOrDecode("big", () => { decodes++; return Image(10, 10); });
        Assert.Equal(2, decodes);
        Assert.Equal(0, cache.Pixels);
    }

    private static Radiograph Image(int rows, int columns) =>
        new(new PixelLayout(rows, columns, 1, 8, false, "MONOCHROME2"), new int[rows * columns], new RadiographMetadata());
}
