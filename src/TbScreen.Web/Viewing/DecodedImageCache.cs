using TbScreen.Imaging;

namespace TbScreen.Web.Viewing;

/// <summary>
/// Recently decoded radiographs by content hash, so a result page's image, window changes and heatmap overlay decode
/// the file once, not on every request (issue 17). Bounded by stored pixels (4 bytes each): the least recently used
/// image leaves first, and an image larger than the whole budget is never kept.
/// </summary>
public sealed class DecodedImageCache(long maxPixels = DecodedImageCache.DefaultMaxPixels)
{
    /// <summary>64 M pixels: about 256 MB, three or four full-size radiographs.</summary>
    public const long DefaultMaxPixels = 64L << 20;

    private readonly object _gate = new();
    private readonly LinkedList<(string Sha, Radiograph Image)> _order = new();
    private readonly Dictionary<string, LinkedListNode<(string Sha, Radiograph Image)>> _bySha = new(StringComparer.Ordinal);
    private long _pixels;

    public long Pixels
    {
        get
        {
            lock (_gate)
            {
                return _pixels;
            }
        }
    }

    public Radiograph GetOrDecode(string sha256, Func<Radiograph> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        lock (_gate)
        {
            if (_bySha.TryGetValue(sha256, out var hit))
            {
                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.Image;
            }
        }

        var image = decode();
        long size = image.StoredPixels.LongLength;
        if (size > maxPixels)
        {
            return image;
        }

        lock (_gate)
        {
            if (!_bySha.ContainsKey(sha256))
            {
                _bySha[sha256] = _order.AddFirst((sha256, image));
                _pixels += size;
                while (_pixels > maxPixels && _order.Last is { } oldest)
                {
                    _order.RemoveLast();
                    _bySha.Remove(oldest.Value.Sha);
                    _pixels -= oldest.Value.Image.StoredPixels.LongLength;
                }
            }
        }

        return image;
    }
}
