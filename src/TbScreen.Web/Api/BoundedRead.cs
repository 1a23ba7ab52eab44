namespace TbScreen.Web.Api;

/// <summary>The stream ran past the bytes allowed for it (the size the browser claimed is not trusted).</summary>
public sealed class UploadTooLargeException(long limit) : IOException($"the upload is larger than the {limit}-byte limit")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Reads an upload into memory with a hard limit on what is actually read: the buffer grows as bytes arrive and is
/// never sized from the client's claim, so a browser that claims 2 GB allocates nothing (issue 17).
/// </summary>
public static class BoundedRead
{
    public static async Task<MemoryStream> ToMemoryAsync(Stream source, long limit, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var buffer = new MemoryStream();
        var chunk = new byte[256 * 1024];
        int n;
        try
        {
            while ((n = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + n > limit)
                {
                    throw new UploadTooLargeException(limit);
                }

                buffer.Write(chunk, 0, n);
                progress?.Report(buffer.Length);
            }
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }

        buffer.Position = 0;
        return buffer;
    }
}
