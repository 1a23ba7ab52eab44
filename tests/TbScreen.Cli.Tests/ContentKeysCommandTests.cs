using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Tests;

public sealed class ContentKeysCommandTests
{
    [Fact]
    public void RotateAddsACurrentKeyAndOldFilesStayReadable()
    {
        string root = CliRunner.TempPath("store");
        string old = ContentStores.Open(root, encrypt: true).Put([1, 2, 3]);

        var (code, stdout, stderr) = CliRunner.Run("content-keys", "rotate", "--store", root);

        Assert.True(code == 0, stderr);
        Assert.Contains("2 keys", stdout, StringComparison.Ordinal);
        var reopened = ContentStores.Open(root, encrypt: true);
        Assert.Contains($"current {reopened.Cipher!.Ring.CurrentKeyId}", stdout, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], reopened.Get(old));
        string fresh = reopened.Put([4, 5, 6]);
        Assert.Equal(reopened.Cipher.Ring.CurrentKeyId, new Guid(File.ReadAllBytes(reopened.PathFor(fresh)).AsSpan(5, 16)));
    }

    [Fact]
    public void AStoreWithoutAKeyRingOrWithTheWrongKeyIsAUsageErrorNamingTheFile()
    {
        string root = CliRunner.TempPath("store");
        Directory.CreateDirectory(root);
        var (code, _, stderr) = CliRunner.Run("content-keys", "status", "--store", root);
        Assert.Equal(2, code);
        Assert.Contains(ContentKeyRing.FileName, stderr, StringComparison.Ordinal);

        ContentStores.Open(root, encrypt: true);
        string wrongKey = CliRunner.TempPath("other.key");
        File.WriteAllText(wrongKey, Convert.ToBase64String(new byte[32]));
        (code, _, stderr) = CliRunner.Run("content-keys", "status", "--store", root, "--content-key", wrongKey);
        Assert.Equal(2, code);
        Assert.Contains("does not open this key ring", stderr, StringComparison.Ordinal);
    }
}
