using Microsoft.Extensions.Options;
using TbScreen.Screening.Jobs;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>
/// What a job may read: a folder at or below one of TbScreen:Jobs:AllowedRoots, or the host's own upload folder
/// (TbScreen:Jobs:UploadFolder), where upload jobs keep their files.
/// </summary>
public sealed class JobFolderPolicy(IOptions<TbScreenOptions> options)
{
    public enum Verdict
    {
        Allowed,
        NoRootsConfigured,
        OutsideAllowedRoots,
        NotFound,
    }

    /// <summary>
    /// Judges <paramref name="folder"/> after making it absolute and normalising "..", so "root/../etc" is judged
    /// as "/etc". Why resolve every symlink along it too: a link inside the archive must not open the rest of the disk.
    /// </summary>
    public Verdict Judge(string folder, out string fullPath)
    {
        fullPath = Path.GetFullPath(folder);
        if (IsAtOrBelow(Resolve(fullPath), Resolve(options.Value.Jobs.UploadFolder)))
        {
            return Directory.Exists(fullPath) ? Verdict.Allowed : Verdict.NotFound;
        }

        var roots = options.Value.Jobs.AllowedRoots;
        if (roots.Count == 0)
        {
            return Verdict.NoRootsConfigured;
        }

        if (!IsUnderAllowedRoot(Resolve(fullPath)))
        {
            return Verdict.OutsideAllowedRoots;
        }

        // Checked after the roots so that callers cannot probe which paths exist outside them.
        return Directory.Exists(fullPath) ? Verdict.Allowed : Verdict.NotFound;
    }

    /// <summary>True when the (already resolved) path is at or below one of the roots.</summary>
    public bool IsUnderAllowedRoot(string realPath) =>
        IsAtOrBelow(realPath, Resolve(options.Value.Jobs.UploadFolder))
        || options.Value.Jobs.AllowedRoots.Any(root => IsAtOrBelow(realPath, Resolve(root)));

    private static bool IsAtOrBelow(string path, string root)
    {
        string trimmedRoot = Path.TrimEndingDirectorySeparator(root);
        string trimmedPath = Path.TrimEndingDirectorySeparator(path);
        return trimmedPath.Equals(trimmedRoot, StringComparison.Ordinal)
            || trimmedPath.StartsWith(trimmedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string Resolve(string path)
    {
        try
        {
            return RealPath.Of(path);
        }
        catch (IOException)
        {
            return path; // a link loop: judged under its own name, and the walk will not get through it either
        }
    }
}
