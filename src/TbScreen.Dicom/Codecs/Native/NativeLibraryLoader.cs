using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// Loads a shared library by trying several names and resolves exports by hand. We resolve exports
/// ourselves (instead of a DllImport resolver) because only one resolver may be registered per
/// assembly, and because a missing library or symbol must become a clear message, not a
/// DllNotFoundException at the first call.
/// </summary>
internal sealed class NativeLibraryLoader
{
    private readonly nint _handle;

    private NativeLibraryLoader(nint handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Tries each candidate name in order; null when none loads.</summary>
    public static NativeLibraryLoader? TryLoad(params string[] candidates)
    {
        foreach (string name in candidates)
        {
            if (NativeLibrary.TryLoad(name, typeof(NativeLibraryLoader).Assembly, DllImportSearchPath.SafeDirectories, out nint handle)
                || NativeLibrary.TryLoad(name, out handle))
            {
                return new NativeLibraryLoader(handle, name);
            }
        }

        return null;
    }

    /// <summary>Address of an export; throws <see cref="EntryPointNotFoundException"/> when absent.</summary>
    public nint Export(string symbol) =>
        NativeLibrary.TryGetExport(_handle, symbol, out nint address)
            ? address
            : throw new EntryPointNotFoundException($"{Name} has no export {symbol}");
}
