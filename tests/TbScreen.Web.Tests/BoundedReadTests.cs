using TbScreen.Web.Api;

namespace TbScreen.Web.Tests;

/// <summary>Uploads are read under a hard limit on the bytes that arrive, never sized from the browser's claim (issue 17).</summary>
public sealed class BoundedReadTests
{
    [Fact]
    public async Task A_stream_longer_than_the_limit_is_refused_once_it_runs_past_it()
    {
        var source = new CountingStream(1_000_001);
        await Assert.ThrowsAsync<UploadTooLargeException>(() => BoundedRead.ToMemoryAsync(source, 1_000_000));
        Assert.True(source.Served < 1_000_001 + 256 * 1024, "it read on long after the limit");
    }

    [Fact]
    public async Task A_stream_within_the_limit_is_read_whole_with_progress()
    {
        var seen = new List<long>();
        await using var buffer = await BoundedRead.ToMemoryAsync(new MemoryStream(new byte[600_000]), 600_000, new SyncProgress(seen.Add));
        Assert.Equal(600_000, buffer.Length);
        Assert.Equal(0, buffer.Position);
        Assert.Equal(600_000, seen[^1]);
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Yields zeros up to a length without holding them.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - Served);
            Array.Clear(buffer, offset, n);
            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
