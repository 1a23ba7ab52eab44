using System.CommandLine;
using TbScreen.Dicom.Network;

namespace TbScreen.Cli.Commands;

/// <summary>
/// DICOM over TLS for `listen` (PS3.15 B.1): the listener's certificate and key, the CA whose client certificates it
/// admits, and TLS to the --forward-results destination. Files are PEM; each is read before the node starts, so a
/// missing or unreadable one is a usage error naming it.
/// </summary>
internal sealed class DicomTlsCliOptions
{
    private readonly Option<string?> _certificate = new("--tls-cert") { Description = "Listen with TLS: our certificate (PEM), with --tls-key." };
    private readonly Option<string?> _key = new("--tls-key") { Description = "The private key (PEM) of --tls-cert." };
    private readonly Option<string?> _clientCa = new("--tls-client-ca") { Description = "Require client certificates that chain to these CA certificates (PEM bundle)." };
    private readonly Option<bool> _forward = new("--forward-tls") { Description = "Send results to --forward-results over TLS (trusting the system's CAs unless --forward-tls-ca)." };
    private readonly Option<string?> _forwardCa = new("--forward-tls-ca") { Description = "Trust the destination's certificate only if it chains to these CA certificates (PEM bundle); implies --forward-tls." };
    private readonly Option<string?> _forwardCertificate = new("--forward-tls-cert") { Description = "Our client certificate (PEM) for a destination that requires one, with --forward-tls-key; implies --forward-tls." };
    private readonly Option<string?> _forwardKey = new("--forward-tls-key") { Description = "The private key (PEM) of --forward-tls-cert." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _certificate, _key, _clientCa, _forward, _forwardCa, _forwardCertificate, _forwardKey })
        {
            command.Options.Add(option);
        }
    }

    public DicomTlsServerOptions? Server(ParseResult result)
    {
        string? certificate = result.GetValue(_certificate), key = result.GetValue(_key), clientCa = result.GetValue(_clientCa);
        if (certificate is null && key is null)
        {
            return clientCa is null ? null : throw new UsageException("--tls-client-ca needs --tls-cert and --tls-key.");
        }

        if (certificate is null || key is null)
        {
            throw new UsageException("--tls-cert and --tls-key go together.");
        }

        return Validated(new DicomTlsServerOptions { CertificatePath = certificate, PrivateKeyPath = key, TrustedClientCertificatesPath = clientCa }, o => o.Validate());
    }

    public DicomTlsClientOptions? Forward(ParseResult result)
    {
        string? ca = result.GetValue(_forwardCa), certificate = result.GetValue(_forwardCertificate), key = result.GetValue(_forwardKey);
        if (!result.GetValue(_forward) && ca is null && certificate is null && key is null)
        {
            return null;
        }

        return Validated(new DicomTlsClientOptions { TrustedServerCertificatesPath = ca, CertificatePath = certificate, PrivateKeyPath = key }, o => o.Validate());
    }

    private static T Validated<T>(T options, Action<T> validate)
    {
        try
        {
            validate(options);
            return options;
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
