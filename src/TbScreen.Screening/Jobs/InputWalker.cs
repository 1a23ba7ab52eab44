namespace TbScreen.Screening.Jobs;

/// <summary>How <see cref="InputWalker"/> walks: into sub-folders or not, which links it follows, where warnings go.</summary>
public sealed record InputWalkOptions
{
    public bool Recursive { get; init; } = true;

    /// <summary>
    /// Null: every link is followed (the CLI: the user reads with their own rights). Otherwise a link inside a walked
    /// folder is followed only when this accepts its fully resolved target: the web host's allowed roots, so a link
    /// in an archive cannot let an API caller read the rest of the disk.
    /// </summary>
    public Func<string, bool>? FollowLink { get; init; }

    /// <summary>A folder that cannot be listed (its files get no row, so it must be said).</summary>
    public Action<string>? Warn { get; init; }
}

/// <summary>
/// Expands the inputs of a batch job (`tbscreen screen` arguments, a web folder job) into the ordered list of files
/// to screen (docs/cli.md, "Inputs"): arguments in the order given; a folder's entries in ordinal name order, depth
/// first; every regular file becomes an item (the pipeline sorts DICOM/PNG/JPEG from the rest by content and
/// reports the rest as unreadable-image), so nothing in an archive is silently left out. Hidden entries (a leading
/// '.') are skipped inside folders but kept when named. A file reached twice (named twice, or through a link) is
/// screened once; a folder link that leads back into a folder already walked is not followed again (no loops).
/// One walker for the CLI and the web host: the rules cannot drift apart.
/// </summary>
public sealed class InputWalker(InputWalkOptions options)
{
    private readonly List<BatchInput> _inputs = [];
    private readonly HashSet<string> _seenFiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _walkedFolders = new(StringComparer.Ordinal);

    /// <summary>Sub-folders left out because the walk is not recursive (a CD's IMAGES folder, say): a host says so.</summary>
    public int SkippedFolders { get; private set; }

    /// <summary>The first of <see cref="SkippedFolders"/>, as the caller named it, for a host that may show paths.</summary>
    public string? FirstSkippedFolder { get; private set; }

    public IReadOnlyList<BatchInput> Walk(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (string argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                WalkFolder(argument, Real(argument));
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
            options.Warn?.Invoke($"{displayFolder}: cannot list folder: {e.Message}");
            return;
        }

        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith('.'))
            {
                continue;
            }

            if (entry.LinkTarget is not null && options.FollowLink is { } follow && !follow(Real(entry.FullName)))
            {
                continue;
            }

            string display = Path.Combine(displayFolder, entry.Name);
            // A link to a folder enumerates as a file on some platforms; treat it as the folder it points to.
            if (entry is DirectoryInfo || (entry.LinkTarget is not null && Directory.Exists(entry.FullName)))
            {
                if (options.Recursive)
                {
                    WalkFolder(display, Real(entry.FullName));
                }
                else
                {
                    FirstSkippedFolder ??= display;
                    SkippedFolders++;
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
        if (_seenFiles.Add(File.Exists(full) ? Real(full) : full))
        {
            _inputs.Add(new BatchInput(_inputs.Count, display, full));
        }
    }

    /// <summary>The path with every link along it resolved; a looping link keeps its own name.</summary>
    private static string Real(string path)
    {
        try
        {
            return RealPath.Of(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }
}
