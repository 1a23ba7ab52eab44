using System.CommandLine;
using Microsoft.Extensions.Logging;
using TbScreen.Screening;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Commands;

/// <summary>--content-key and --no-encrypt, shared by the commands that open a content store (listen, worker).</summary>
public sealed class ContentStoreCliOptions
{
    private readonly Option<string?> _keyFile = new("--content-key")
    {
        Description = $"Master key file of the encrypted content store (default: {ContentStores.DefaultKeyFileName} next to the store folder; created on first use). Back it up: without it stored images cannot be read.",
    };

    private readonly Option<bool> _noEncrypt = new("--no-encrypt") { Description = "Store source images unencrypted (not recommended; docs/security.md)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_keyFile);
        command.Options.Add(_noEncrypt);
    }

    /// <summary>Opens the store; a key that cannot open it is a usage error naming the file and the reason.</summary>
    public ContentStore Open(ParseResult result, string storeRoot, ILogger logger)
    {
        try
        {
            return ContentStores.Open(storeRoot, !result.GetValue(_noEncrypt), result.GetValue(_keyFile), logger);
        }
        catch (ContentKeyException e)
        {
            throw new UsageException($"content store key: {e.Message}");
        }
    }

    /// <summary>Patient pseudonyms under the same master key file as the store (call after <see cref="Open"/>).</summary>
    public PatientPseudonyms Pseudonyms(ParseResult result, string storeRoot)
    {
        try
        {
            return PatientPseudonyms.ForStore(storeRoot, result.GetValue(_keyFile));
        }
        catch (ContentKeyException e)
        {
            throw new UsageException($"content store key: {e.Message}");
        }
    }
}
