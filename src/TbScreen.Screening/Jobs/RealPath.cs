namespace TbScreen.Screening.Jobs;

/// <summary>
/// A path with every symbolic link along it resolved, like POSIX realpath(3) but tolerant of missing components.
/// Why every component: resolving only the last one lets "allowed/link-to-etc/passwd" pass as inside "allowed".
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40; // as Linux's ELOOP limit

    public static string Of(string path)
    {
        int links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    private static string Resolve(string full, ref int links)
    {
        string root = Path.GetPathRoot(full) ?? "/";
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"{full}: too many levels of symbolic links");
                }

                // A relative target is relative to the folder holding the link; the target may hold links too.
                next = Resolve(Path.GetFullPath(target, current), ref links);
            }

            current = next;
        }

        return current;
    }
}
