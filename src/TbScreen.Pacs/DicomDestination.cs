using System.Globalization;

namespace TbScreen.Pacs;

/// <summary>A DICOM peer to send to, written AE@host:port (e.g. PACS@10.0.0.5:104).</summary>
public sealed record DicomDestination(string AeTitle, string Host, int Port)
{
    /// <summary>Parses AE@host:port; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static DicomDestination Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@');
        int colon = text.LastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not AE@host:port");
        }

        string ae = text[..at];
        string host = text[(at + 1)..colon];
        if (ae.Length > 16 || ae.Any(c => c == '\\' || char.IsControl(c)) || string.IsNullOrWhiteSpace(ae))
        {
            throw new FormatException($"'{ae}' is not an AE title (1-16 characters, no backslash or control characters)");
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{text[(colon + 1)..]}' is not a TCP port");
        }

        return new DicomDestination(ae, host, port);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{AeTitle}@{Host}:{Port}");
}

/// <summary>Sends one Part 10 object to a destination by C-STORE; throws with the peer and the reason when it is not stored.</summary>
public interface IDicomSender
{
    Task SendAsync(DicomDestination destination, byte[] part10, CancellationToken cancellationToken);
}
