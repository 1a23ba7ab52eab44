using TbScreen.Inference.Evaluation;

namespace TbScreen.Inference.Tests.Evaluation;

public sealed class ImageBatchTests
{
    [Fact]
    public void Small_films_fill_a_batch_by_count()
    {
        var batch = new ImageBatch<int>(maxImages: 8, maxPixels: 32_000_000);

        bool[] full = Enumerable.Range(0, 8).Select(i => batch.Add(i, 512 * 512)).ToArray();

        Assert.Equal([false, false, false, false, false, false, false, true], full);
        Assert.Equal(Enumerable.Range(0, 8), batch.Take());
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void Large_films_fill_a_batch_by_pixels_and_it_starts_again_empty()
    {
        var batch = new ImageBatch<string>(maxImages: 8, maxPixels: 32_000_000);
        const long Montgomery = 4020L * 4892; // 19.7 megapixels

        Assert.False(batch.Add("a", Montgomery));
        Assert.True(batch.Add("b", Montgomery)); // 39.3 MP: over 32
        Assert.Equal(["a", "b"], batch.Take());
        Assert.False(batch.Add("c", Montgomery));
        Assert.True(batch.Add("d", 32_000_000 - Montgomery)); // exactly the budget
        Assert.Equal(["c", "d"], batch.Take());
    }

    [Fact]
    public void A_film_over_the_budget_is_a_batch_of_its_own()
    {
        var batch = new ImageBatch<string>(maxImages: 8, maxPixels: 32_000_000);

        Assert.True(batch.Add("huge", 8192L * 8192));
        Assert.Equal(["huge"], batch.Take());
    }
}
