using System.Text.RegularExpressions;

namespace TbScreen.Broker;

/// <summary>The broker's AMQP URI: checked before use, and printed only with its password replaced.</summary>
public static partial class BrokerUri
{
    /// <summary>Parses amqp:// or amqps://; throws <see cref="ArgumentException"/> naming the problem (never the password).</summary>
    public static Uri Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("the broker URI is empty (expected amqp://user:password@host:5672/vhost)");
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{Redact(text)}' is not an AMQP URI (expected amqp://user:password@host:5672/vhost, or amqps:// for TLS)");
        }

        return uri;
    }

    /// <summary>The URI with any password replaced by ***, for logs and messages.</summary>
    public static string Redact(string? text) => text is null ? "" : UserInfoPassword().Replace(text.Trim(), "$1:***@");

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@")]
    private static partial Regex UserInfoPassword();
}
