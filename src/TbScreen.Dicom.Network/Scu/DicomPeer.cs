using System.Globalization;

namespace TbScreen.Dicom.Network;

/// <summary>A remote DICOM node: its AE title and where it listens.</summary>
public sealed record DicomPeer
{
    public DicomPeer(string aeTitle, string host, int port)
    {
        AeTitle = AeTitles.Require(aeTitle, "peer AE title");
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {port} is outside 1-65535.", nameof(port));
        }

        Host = host;
        Port = port;
    }

    public string AeTitle { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Parses AE@host:port (the form the CLI and configuration use); IPv6 hosts go in brackets.</summary>
    public static DicomPeer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@', StringComparison.Ordinal);
        int colon = text.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            throw new FormatException($"'{text}' is not AE@host:port.");
        }

        string host = text[(at + 1)..colon].Trim('[', ']');
        return new DicomPeer(text[..at], host, port);
    }

    public override string ToString() => $"{AeTitle}@{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
