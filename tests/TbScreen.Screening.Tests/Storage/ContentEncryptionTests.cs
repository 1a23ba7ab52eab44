using System.Security.Cryptography;
using System.Text;
using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Storage;

/// <summary>Encryption at rest of the content store (issue 17): AES-256-GCM per file, a wrapped key ring, rotation and the tamper check.</summary>
public sealed class ContentEncryptionTests : IDisposable
{
    private static readonly byte[] Patient = Encoding.ASCII.GetBytes("DICM....PatientName=Doe^Jane PatientID=MRN-0042 pixels.....");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StoreRoot => _dir.File("store");

    private string KeyFile => _dir.File("content.key");

    [Fact]
    public void FilesAreSealedOnDiskInTheDocumentedLayoutAndReadBack()
    {
        var store = ContentStores.Open(StoreRoot, encrypt: true);
        string sha = store.Put(Patient);

        Assert.Equal(ContentStore.Sha256Of(Patient), sha); // the name stays the plaintext's hash
        byte[] disk = File.ReadAllBytes(store.PathFor(sha));
        Assert.Equal(4 + 1 + 16 + 12 + 16 + Patient.Length, disk.Length);
        Assert.Equal("TBSE"u8.ToArray(), disk[..4]);
        Assert.Equal(1, disk[4]);
        Assert.Equal(store.Cipher!.Ring.CurrentKeyId, new Guid(disk.AsSpan(5, 16)));
        Assert.DoesNotContain("Doe^Jane", Encoding.ASCII.GetString(disk), StringComparison.Ordinal);

        // An independent decryption with the framework's AES-GCM and the documented layout, not ContentCipher.Open.
        byte[] associated = [.. disk[..21], 0, 64, .. Encoding.ASCII.GetBytes(sha)];
        var plain = new byte[Patient.Length];
        using (var aes = new AesGcm(store.Cipher.Ring.Key(store.Cipher.Ring.CurrentKeyId)!, 16))
        {
            aes.Decrypt(disk.AsSpan(21, 12), disk.AsSpan(49), disk.AsSpan(33, 16), plain, associated);
        }

        Assert.Equal(Patient, plain);
        Assert.Equal(Patient, store.Get(sha));
        Assert.True(File.Exists(KeyFile), "the master key goes next to the store folder, not inside it");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public void EachSealUsesAFreshNonce()
    {
        var cipher = ContentStores.Open(StoreRoot, encrypt: true).Cipher!;
        string sha = ContentStore.Sha256Of(Patient);
        Assert.NotEqual(cipher.Seal(Patient, sha)[21..33], cipher.Seal(Patient, sha)[21..33]);
    }

    [Fact]
    public void AChangedByteOrAFileFiledUnderAnotherNameFailsTheTamperCheck()
    {
        var store = ContentStores.Open(StoreRoot, encrypt: true);
        string sha = store.Put(Patient);
        string other = store.Put([1, 2, 3]);
        byte[] disk = File.ReadAllBytes(store.PathFor(sha));

        disk[^1] ^= 0x01;
        File.WriteAllBytes(store.PathFor(sha), disk);
        var flipped = Assert.Throws<ContentCorruptException>(() => store.Get(sha));
        Assert.Contains("authentication tag", flipped.Reason, StringComparison.Ordinal);

        disk[^1] ^= 0x01; // restored, but moved under the other file's name
        File.WriteAllBytes(store.PathFor(other), disk);
        Assert.Throws<ContentCorruptException>(() => store.Get(other));
    }

    [Fact]
    public void RotationKeepsOldFilesReadableAcrossRestarts()
    {
        var store = ContentStores.Open(StoreRoot, encrypt: true);
        string before = store.Put(Patient);
        Guid first = store.Cipher!.Ring.CurrentKeyId;
        Guid second = store.Cipher.Ring.Rotate();
        string after = store.Put([7, 7, 7]);

        Assert.NotEqual(first, second);
        Assert.Equal(first, new Guid(File.ReadAllBytes(store.PathFor(before)).AsSpan(5, 16)));
        Assert.Equal(second, new Guid(File.ReadAllBytes(store.PathFor(after)).AsSpan(5, 16)));

        var reopened = ContentStores.Open(StoreRoot, encrypt: true);
        Assert.Equal(second, reopened.Cipher!.Ring.CurrentKeyId);
        Assert.Equal(Patient, reopened.Get(before));
        Assert.Equal([7, 7, 7], reopened.Get(after));
        Assert.DoesNotContain(Convert.ToBase64String(reopened.Cipher.Ring.Key(first)!), File.ReadAllText(Path.Combine(StoreRoot, ContentKeyRing.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongOrMissingMasterKeyIsRefusedNamingTheFile()
    {
        ContentStores.Open(StoreRoot, encrypt: true).Put(Patient);

        File.Delete(KeyFile);
        var missing = Assert.Throws<ContentKeyException>(() => ContentStores.Open(StoreRoot, encrypt: true));
        Assert.Equal(KeyFile, missing.FilePath);
        Assert.False(File.Exists(KeyFile), "a new key must not be made for a store that already has a key ring");

        File.WriteAllText(KeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var wrong = Assert.Throws<ContentKeyException>(() => ContentStores.Open(StoreRoot, encrypt: true));
        Assert.Contains("does not open this key ring", wrong.Reason, StringComparison.Ordinal);

        File.WriteAllText(KeyFile, "not base64!");
        Assert.Contains("base64", Assert.Throws<ContentKeyException>(() => ContentStores.Open(StoreRoot, encrypt: true)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesStoredBeforeEncryptionStayReadableAndSealedFilesNeedTheRing()
    {
        var plain = new ContentStore(StoreRoot);
        string old = plain.Put(Patient);
        var sealedStore = ContentStores.Open(StoreRoot, encrypt: true);
        Assert.Equal(Patient, sealedStore.Get(old));

        string fresh = sealedStore.Put([4, 5, 6]);
        var withoutRing = Assert.Throws<ContentCorruptException>(() => plain.Get(fresh));
        Assert.Contains("no key ring", withoutRing.Reason, StringComparison.Ordinal);
    }
}
