namespace TbScreen.Web.Jobs;

/// <summary>
/// The files a folder job screens, by the CLI's rule (tbscreen screen): every regular file is an item, in ordinal
/// name order, depth first, so nothing in an archive is silently left out: the pipeline sorts DICOM (by content,
/// with or without .dcm), PNG and JPEG from the rest, which it reports as unreadable-image. Hidden entries (a
/// leading '.') are skipped. Unlike the CLI, a symbolic link is followed only when its target is still under an
/// allowed root: a link must not let an API caller read the rest of the disk.
/// Why not the CLI's walker itself: the web host may not reference the CLI (it brings TorchSharp).
/// </summary>
public sealed class JobFolderWalker(JobFolderPolicy policy)
{
    public IEnumerable<string> Walk(string folder, bool recursive)
    {
        var walked = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return WalkFolder(new DirectoryInfo(folder), recursive, walked, seen);
    }

    private IEnumerable<string> WalkFolder(DirectoryInfo folder, bool recursive, HashSet<string> walked, HashSet<string> seen)
    {
        if (!walked.Add(RealPath(folder)))
        {
            yield break; // a link back into a folder already walked
        }

        var entries = folder.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .Where(e => !e.Name.StartsWith('.'))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var entry in entries)
        {
            if (entry.LinkTarget is not null && !policy.IsUnderAllowedRoot(RealPath(entry)))
            {
                continue;
            }

            bool isFolder = entry is DirectoryInfo || Directory.Exists(entry.FullName);
            if (isFolder)
            {
                if (recursive)
                {
                    foreach (string file in WalkFolder(new DirectoryInfo(entry.FullName), recursive, walked, seen))
                    {
                        yield return file;
                    }
                }
            }
            else if (seen.Add(RealPath(entry)))
            {
                yield return entry.FullName;
            }
        }
    }

    private static string RealPath(FileSystemInfo info)
    {
        try
        {
            return Jobs.RealPath.Of(info.FullName);
        }
        catch (IOException)
        {
            return info.FullName; // a looping link: judged and reported under its own name
        }
    }
}
