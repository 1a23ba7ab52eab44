using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TbScreen.Dicom.Network;

/// <summary>
/// DICOM over TLS (PS3.15 B.1 and the BCP 195 profiles): our listener's certificate and, optionally, the clients it
/// trusts. With <see cref="TrustedClientCertificatesPath"/> set, a client must present a certificate that chains to
/// one of those (mutual authentication, as DICOM nodes usually require); without it any client may connect over TLS.
/// PEM files; the private key unencrypted and readable by the service account only.
/// </summary>
public sealed record DicomTlsServerOptions
{
    public required string CertificatePath { get; init; }

    public required string PrivateKeyPath { get; init; }

    /// <summary>PEM bundle of the CA (or self-signed) certificates whose clients are admitted; null admits any client.</summary>
    public string? TrustedClientCertificatesPath { get; init; }

    /// <summary>Reads the files as the listener will; throws <see cref="ArgumentException"/> naming the one that cannot be used.</summary>
    public void Validate() => Build();

    /// <summary>Loads the files once; throws <see cref="ArgumentException"/> naming the file that cannot be used.</summary>
    internal SslServerAuthenticationOptions Build()
    {
        var certificate = DicomTls.LoadCertificate(CertificatePath, PrivateKeyPath);
        var trusted = TrustedClientCertificatesPath is { } path ? DicomTls.LoadBundle(path) : null;
        return new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = DicomTls.Protocols,
            ClientCertificateRequired = trusted is not null,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = trusted is null
                ? (_, _, _, _) => true
                : (_, presented, _, _) => presented is not null && DicomTls.ChainsTo(presented, trusted),
        };
    }
}

/// <summary>
/// TLS for our outgoing associations: whom we trust (a PEM bundle, else the system's CAs) and, when the peer requires
/// one, the certificate we present. The peer's certificate must also name the host we connect to.
/// </summary>
public sealed record DicomTlsClientOptions
{
    /// <summary>PEM bundle of the CA (or self-signed) certificates we trust for the peer; null uses the system's trust store.</summary>
    public string? TrustedServerCertificatesPath { get; init; }

    /// <summary>Our certificate, for peers that require client authentication; with <see cref="PrivateKeyPath"/>.</summary>
    public string? CertificatePath { get; init; }

    public string? PrivateKeyPath { get; init; }

    /// <summary>Reads the files as a connection will; throws <see cref="ArgumentException"/> naming the one that cannot be used.</summary>
    public void Validate() => Load();

    /// <summary>Reads the trust bundle and our certificate once; a client makes each association's options from them.</summary>
    internal DicomTlsClientCredentials Load()
    {
        if ((CertificatePath is null) != (PrivateKeyPath is null))
        {
            throw new ArgumentException("A TLS client certificate needs both its certificate and its private key file.");
        }

        return new DicomTlsClientCredentials(
            TrustedServerCertificatesPath is { } path ? DicomTls.LoadBundle(path) : null,
            CertificatePath is { } certificate ? DicomTls.LoadCertificate(certificate, PrivateKeyPath!) : null);
    }
}

/// <summary>What <see cref="DicomTlsClientOptions"/> names, loaded: whom we trust (null: the system) and what we present.</summary>
internal sealed class DicomTlsClientCredentials(X509Certificate2Collection? trusted, X509Certificate2? own)
{
    public SslClientAuthenticationOptions For(string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = DicomTls.Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificates = own is null ? null : new X509CertificateCollection { own },
        RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            trusted is null
                ? errors == SslPolicyErrors.None
                : (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && presented is not null && DicomTls.ChainsTo(presented, trusted),
    };
}

internal static class DicomTls
{
    /// <summary>BCP 195 (RFC 9325): TLS 1.2 or later.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static X509Certificate2 LoadCertificate(string certificatePath, string privateKeyPath)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);
            // An ephemeral key cannot serve TLS on every platform: round-trip it through PKCS #12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"TLS certificate {certificatePath} with key {privateKeyPath}: {e.Message}", e);
        }
    }

    public static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"TLS trust bundle {path}: {e.Message}", e);
        }

        return bundle.Count > 0 ? bundle : throw new ArgumentException($"TLS trust bundle {path} holds no certificate.");
    }

    /// <summary>Whether the certificate chains to one of <paramref name="trusted"/> (and only those), now.</summary>
    public static bool ChainsTo(X509Certificate presented, X509Certificate2Collection trusted)
    {
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
