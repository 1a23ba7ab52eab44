using System.CommandLine;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen content-keys status|rotate --store DIR [--content-key FILE]`: the encrypted content store's key ring.
/// Rotation adds a data key that seals every new file; files sealed before stay readable with their own key.
/// </summary>
public static class ContentKeysCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("content-keys", "Show or rotate the data keys of the encrypted content store (docs/security.md).");
        command.Subcommands.Add(Sub("status", "Print the key ring's keys and the current one.", rotate: false, stdout, stderr));
        command.Subcommands.Add(Sub("rotate", "Add a data key and make it current; older files stay readable.", rotate: true, stdout, stderr));
        return command;
    }

    private static Command Sub(string name, string description, bool rotate, TextWriter stdout, TextWriter stderr)
    {
        var store = new Option<string>("--store") { Description = "The content store folder.", DefaultValueFactory = _ => "store" };
        var keyFile = new Option<string?>("--content-key") { Description = $"The master key file (default: {ContentStores.DefaultKeyFileName} next to the store folder)." };
        var command = new Command(name, description) { store, keyFile };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string root = result.GetValue(store)!;
            string ringFile = Path.Combine(Path.GetFullPath(root), ContentKeyRing.FileName);
            if (!File.Exists(ringFile))
            {
                throw new UsageException($"{ringFile}: no key ring (the store is not encrypted yet, or --store names another folder)");
            }

            ContentKeyRing ring;
            try
            {
                ring = ContentKeyRing.OpenOrCreate(root, MasterKey.Load(ContentStores.KeyFileFor(root, result.GetValue(keyFile))));
            }
            catch (ContentKeyException e)
            {
                throw new UsageException($"content store key: {e.Message}");
            }

            if (rotate)
            {
                var previous = ring.CurrentKeyId;
                var id = ring.Rotate();
                stdout.WriteLine($"rotated: new files are sealed with key {id}; files sealed with {previous} and older keys stay readable");
            }

            stdout.WriteLine($"{ring.KeyIds.Count} keys; current {ring.CurrentKeyId}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
