using System.CommandLine;
using TbScreen.Dicom.Network;

namespace TbScreen.Cli.Commands;

/// <summary>
/// How a command calls a DICOM peer (`pull`, `echo`): our calling AE title, and TLS (PS3.15 B.1) trusting the system's
/// CAs or a PEM bundle, presenting a client certificate when the peer requires one. Files are read before anything is
/// sent, so a missing one is a usage error naming it.
/// </summary>
internal sealed class DicomClientCliOptions
{
    private readonly Option<string> _aeTitle = new("--ae-title") { Description = "Our calling AE title, as the peer knows it.", DefaultValueFactory = _ => "TBSCREEN" };
    private readonly Option<bool> _tls = new("--tls") { Description = "Talk to the peer over TLS (trusting the system's CAs unless --tls-ca)." };
    private readonly Option<string?> _ca = new("--tls-ca") { Description = "Trust the peer's certificate only if it chains to these CA certificates (PEM bundle); implies --tls." };
    private readonly Option<string?> _certificate = new("--tls-cert") { Description = "Our client certificate (PEM) for a peer that requires one, with --tls-key; implies --tls." };
    private readonly Option<string?> _key = new("--tls-key") { Description = "The private key (PEM) of --tls-cert." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _aeTitle, _tls, _ca, _certificate, _key })
        {
            command.Options.Add(option);
        }
    }

    public DicomClientOptions Options(ParseResult result)
    {
        string? ca = result.GetValue(_ca), certificate = result.GetValue(_certificate), key = result.GetValue(_key);
        try
        {
            var tls = result.GetValue(_tls) || ca is not null || certificate is not null || key is not null
                ? new DicomTlsClientOptions { TrustedServerCertificatesPath = ca, CertificatePath = certificate, PrivateKeyPath = key }
                : null;
            tls?.Validate();
            var options = new DicomClientOptions { CallingAeTitle = result.GetValue(_aeTitle)!, Tls = tls };
            options.Validate();
            return options;
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>A peer as AE@HOST:PORT, or a usage error naming the option.</summary>
    public static DicomPeer Peer(string text, string option)
    {
        try
        {
            return DicomPeer.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }
}
