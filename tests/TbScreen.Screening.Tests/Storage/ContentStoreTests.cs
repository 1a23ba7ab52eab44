using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Storage;

public sealed class ContentStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task IdenticalBytesAreStoredOnceUnderTheirHash()
    {
        var store = new ContentStore(_dir.Path);
        byte[] bytes = [1, 2, 3, 4];
        string sha = store.Put(bytes);
        Assert.Equal(sha, store.Put(bytes));
        Assert.Equal(sha, await store.PutAsync(new MemoryStream(bytes)));
        Assert.Equal(ContentStore.Sha256Of(bytes), sha);
        Assert.Equal(Path.Combine(_dir.Path, sha[..2], sha), store.PathFor(sha));
        Assert.Single(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories)); // no temp files left behind
        Assert.Equal(bytes, store.Get(sha));
    }

    [Fact]
    public void ParallelWritersOfTheSameContentLeaveOneFile()
    {
        var store = new ContentStore(_dir.Path);
        var bytes = new byte[100_000];
        new Random(1).NextBytes(bytes);
        Parallel.For(0, 8, _ => store.Put(bytes));
        Assert.Single(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void CorruptedFilesAreDetectedOnRead()
    {
        var store = new ContentStore(_dir.Path);
        string sha = store.Put([9, 9, 9]);
        File.WriteAllBytes(store.PathFor(sha), [6, 6, 6]);
        Assert.Throws<ContentCorruptException>(() => store.Get(sha));
        Assert.Null(store.Get(new string('0', 64)));
        Assert.Throws<ArgumentException>(() => store.PathFor("../../etc/passwd"));
    }
}
