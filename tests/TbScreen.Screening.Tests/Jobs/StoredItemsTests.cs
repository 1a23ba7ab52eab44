using TbScreen.Screening.Jobs;

namespace TbScreen.Screening.Tests.Jobs;

public class StoredItemsTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_key_holds_the_place_and_the_hash_and_reads_back()
    {
        string key = StoredItems.Key(7, Sha);

        Assert.Equal("stored:0007:" + Sha, key);
        Assert.True(StoredItems.TryGetSha256(key, out string sha));
        Assert.Equal(Sha, sha);
    }

    [Theory]
    [InlineData("/archive/2025/stored:0001:" + Sha)]
    [InlineData("stored:0001:not-a-hash")]
    [InlineData("stored:" + Sha)]
    [InlineData("sha256:" + Sha)]
    public void Paths_on_disk_and_malformed_keys_are_not_stored_items(string path) =>
        Assert.False(StoredItems.TryGetSha256(path, out _));

    [Fact]
    public void Keys_refuse_what_is_not_a_place_or_a_hash()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StoredItems.Key(0, Sha));
        Assert.Throws<ArgumentException>(() => StoredItems.Key(1, Sha.ToUpperInvariant()));
    }
}
