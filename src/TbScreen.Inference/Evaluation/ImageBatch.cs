namespace TbScreen.Inference.Evaluation;

/// <summary>
/// Collects decoded images for one batched screening call, full at <c>maxImages</c> images or once it holds
/// <c>maxPixels</c> pixels: batches speed up small films, while a few 20-megapixel films (a Montgomery-size set)
/// would otherwise hold gigabytes at once.
/// </summary>
public sealed class ImageBatch<T>
{
    private readonly List<T> _items = [];
    private readonly int _maxImages;
    private readonly long _maxPixels;
    private long _pixels;

    public ImageBatch(int maxImages, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        _maxImages = maxImages;
        _maxPixels = maxPixels;
    }

    public int Count => _items.Count;

    /// <summary>Adds an image of <paramref name="pixels"/> pixels; true when the batch is now full and should be screened.</summary>
    public bool Add(T item, long pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        _items.Add(item);
        _pixels += pixels;
        return _items.Count >= _maxImages || _pixels >= _maxPixels;
    }

    /// <summary>The images collected so far, in the order added; the batch starts again empty.</summary>
    public IReadOnlyList<T> Take()
    {
        var taken = _items.ToArray();
        _items.Clear();
        _pixels = 0;
        return taken;
    }
}
