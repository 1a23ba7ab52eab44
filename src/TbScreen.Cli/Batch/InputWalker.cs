namespace TbScreen.Cli.Batch;

/// <summary>
/// Expands `screen` arguments into the ordered list of files to screen (docs/cli.md, "Inputs"):
/// arguments in the order given; a folder's entries in ordinal name order, depth first; every regular file
/// becomes an item (the pipeline sorts DICOM/PNG/JPEG from the rest by content and reports the rest as
/// unreadable-image), so nothing in an archive is silently left out. Hidden entries (a leading '.') are skipped
/// inside folders but kept when named. A file reached twice (named twice, or through a link) is screened once;
/// a folder link that leads back into a folder already walked is not followed again (no symlink loops).
/// </summary>
public sealed class InputWalker(bool recursive, Action<string> warn)
{
    private readonly List<BatchInput> _inputs = [];
    private readonly HashSet<string> _seenFiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _walkedFolders = new(StringComparer.Ordinal);

    public IReadOnlyList<BatchInput> Walk(IEnumerable<string> arguments)
    {
        foreach (string argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                WalkFolder(argument, RealPath(argument));
            }
            else
            {
                // Files, and names that do not exist: those still get a row (unreadable-image, "file not found").
                Add(argument);
            }
        }

        return _inputs;
    }

    private void WalkFolder(string displayFolder, string realFolder)
    {
        if (!_walkedFolders.Add(realFolder))
        {
            return;
        }

        List<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(realFolder)
                .EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false })
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No file of this folder can get a row, so say so rather than drop it quietly.
            warn($"{displayFolder}: cannot list folder: {e.Message}");
            return;
        }

        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith('.'))
            {
                continue;
            }

            string display = Path.Combine(displayFolder, entry.Name);
            if (entry is DirectoryInfo folder)
            {
                if (recursive)
                {
                    WalkFolder(display, folder.LinkTarget is null ? folder.FullName : RealPath(folder.FullName));
                }
            }
            else if (entry.LinkTarget is not null && Directory.Exists(entry.FullName))
            {
                // A link to a folder enumerates as a file on some platforms; treat it as the folder it points to.
                if (recursive)
                {
                    WalkFolder(display, RealPath(entry.FullName));
                }
            }
            else
            {
                Add(display);
            }
        }
    }

    private void Add(string display)
    {
        string full = Path.GetFullPath(display);
        if (_seenFiles.Add(File.Exists(full) ? RealPath(full) : full))
        {
            _inputs.Add(new BatchInput(_inputs.Count, display, full));
        }
    }

    /// <summary>The path with its final link resolved (a dangling link stays as it is).</summary>
    private static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
