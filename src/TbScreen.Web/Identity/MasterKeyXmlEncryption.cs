using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using TbScreen.Screening.Storage;

namespace TbScreen.Web.Identity;

/// <summary>The data-protection key ring's wrapping key: derived from the administrator's master key file (the one that unlocks the content store).</summary>
public sealed class DataProtectionKeyWrap(MasterKey master)
{
    internal byte[] Key { get; } = master.Derive("data-protection-keys");

    public string KeyFile { get; } = master.FilePath;
}

/// <summary>
/// Seals each data-protection key (the keys that sign cookies and antiforgery tokens) with AES-256-GCM before it is
/// written to TbScreen:Security:KeysFolder, so the folder alone does not let anyone forge a session (issue 17).
/// </summary>
internal sealed class MasterKeyXmlEncryptor(DataProtectionKeyWrap wrap) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        byte[] plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using (var aes = new AesGcm(wrap.Key, 16))
        {
            aes.Encrypt(sealedBytes.AsSpan(0, 12), plain, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        }

        var element = new XElement("tbscreenEncryptedKey",
            new XComment(" AES-256-GCM under a key derived from the TbScreen master key file (docs/security.md) "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="MasterKeyXmlEncryptor"/> sealed; created by data protection with the host's services.</summary>
internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var wrap = services.GetRequiredService<DataProtectionKeyWrap>();
        byte[] sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? throw new CryptographicException("the sealed key has no value"));
        var plain = new byte[sealedBytes.Length - 28];
        using (var aes = new AesGcm(wrap.Key, 16))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
