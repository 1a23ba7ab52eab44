using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>
/// A throwaway PKI written as PEM files: a CA, a server certificate for localhost and 127.0.0.1, a client certificate
/// from that CA, and a client certificate from another CA. RSA keys, which every TLS peer (dcmtk included) takes.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tbscreen-tls-").FullName;

    public TestCertificates()
    {
        using var caKey = RSA.Create(2048);
        using var ca = Authority("CN=TbScreen Test CA", caKey);
        CaPath = Write("ca.crt", ca.ExportCertificatePem());
        (ServerCertificatePath, ServerKeyPath) = Leaf("server", "CN=localhost", ca, caKey, serverName: true);
        (ClientCertificatePath, ClientKeyPath) = Leaf("client", "CN=MODALITY", ca, caKey, serverName: false);

        using var otherKey = RSA.Create(2048);
        using var other = Authority("CN=Another CA", otherKey);
        OtherCaPath = Write("other-ca.crt", other.ExportCertificatePem());
        (StrangerCertificatePath, StrangerKeyPath) = Leaf("stranger", "CN=STRANGER", other, otherKey, serverName: false);
    }

    public string CaPath { get; }

    public string OtherCaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    public string StrangerCertificatePath { get; }

    public string StrangerKeyPath { get; }

    public DicomTlsServerOptions Server(bool requireClients = true) =>
        new() { CertificatePath = ServerCertificatePath, PrivateKeyPath = ServerKeyPath, TrustedClientCertificatesPath = requireClients ? CaPath : null };

    public DicomTlsClientOptions Client() =>
        new() { TrustedServerCertificatesPath = CaPath, CertificatePath = ClientCertificatePath, PrivateKeyPath = ClientKeyPath };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static X509Certificate2 Authority(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private (string Certificate, string Key) Leaf(string name, string subject, X509Certificate2 issuer, RSA issuerKey, bool serverName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (serverName)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return (Write(name + ".crt", certificate.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string Write(string name, string pem)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
