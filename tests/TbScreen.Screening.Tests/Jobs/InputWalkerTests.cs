using TbScreen.Screening.Jobs;

namespace TbScreen.Screening.Tests.Jobs;

/// <summary>The one walker of the CLI's `screen` and the web host's folder jobs.</summary>
public sealed class InputWalkerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tbscreen-walker-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void FoldersAreWalkedInOrdinalOrderDepthFirstWithoutHiddenEntriesOrDuplicates()
    {
        string archive = Folder("archive");
        Touch("archive/b.dcm");
        Touch("archive/A.png");
        Touch("archive/sub/c.jpg");
        Touch("archive/.hidden.dcm");
        Touch("archive/.cache/d.dcm");
        File.CreateSymbolicLink(Path.Combine(archive, "z-link.dcm"), Path.Combine(archive, "b.dcm"));
        Directory.CreateSymbolicLink(Path.Combine(archive, "sub", "loop"), archive);

        var inputs = new InputWalker(new InputWalkOptions()).Walk([archive, Path.Combine(archive, "b.dcm"), Path.Combine(archive, ".hidden.dcm"), Path.Combine(_root, "missing.dcm")]);

        Assert.Equal(
            new[] { "archive/A.png", "archive/b.dcm", "archive/sub/c.jpg", "archive/.hidden.dcm", "missing.dcm" },
            inputs.Select(i => Path.GetRelativePath(_root, i.FullPath)));
        Assert.Equal(Enumerable.Range(0, 5), inputs.Select(i => i.Index));
    }

    [Fact]
    public void WithoutRecursionOnlyTheFoldersOwnFilesAreItems()
    {
        string archive = Folder("archive");
        Touch("archive/a.dcm");
        Touch("archive/sub/b.dcm");

        var walker = new InputWalker(new InputWalkOptions { Recursive = false });
        var inputs = walker.Walk([archive]);

        Assert.Equal(new[] { "a.dcm" }, inputs.Select(i => Path.GetFileName(i.FullPath)));
        Assert.Equal((1, Path.Combine(archive, "sub")), (walker.SkippedFolders, walker.FirstSkippedFolder));
    }

    [Fact]
    public void A_recursive_walk_skips_no_folder()
    {
        string archive = Folder("cd");
        Touch("cd/DICOMDIR");
        Touch("cd/IMAGES/IM0001");
        Touch("cd/IMAGES/SUB/IM0002");
        Touch("cd/REPORTS/R1");

        var walker = new InputWalker(new InputWalkOptions());
        var inputs = walker.Walk([archive]);

        Assert.Equal(new[] { "DICOMDIR", "IM0001", "IM0002", "R1" }, inputs.Select(i => Path.GetFileName(i.FullPath)));
        Assert.Equal((0, (string?)null), (walker.SkippedFolders, walker.FirstSkippedFolder));
        var flat = new InputWalker(new InputWalkOptions { Recursive = false });
        Assert.Equal(new[] { "DICOMDIR" }, flat.Walk([archive]).Select(i => Path.GetFileName(i.FullPath)));
        Assert.Equal((2, Path.Combine(archive, "IMAGES")), (flat.SkippedFolders, flat.FirstSkippedFolder));
    }

    [Fact]
    public void LinksAreFollowedOnlyWhereThePolicyAllowsTheirResolvedTarget()
    {
        string allowed = Folder("allowed");
        string secret = Folder("secret");
        Touch("allowed/a.dcm");
        Touch("secret/passwd");
        File.CreateSymbolicLink(Path.Combine(allowed, "file-out"), Path.Combine(secret, "passwd"));
        Directory.CreateSymbolicLink(Path.Combine(allowed, "folder-out"), secret);
        Directory.CreateSymbolicLink(Path.Combine(allowed, "folder-in"), Folder("allowed/real"));
        Touch("allowed/real/b.dcm");
        var judged = new List<string>();

        var inputs = new InputWalker(new InputWalkOptions
        {
            FollowLink = target =>
            {
                judged.Add(target);
                return target.StartsWith(allowed + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            },
        }).Walk([allowed]);

        Assert.Equal(new[] { "allowed/a.dcm", "allowed/folder-in/b.dcm" }, inputs.Select(i => Path.GetRelativePath(_root, i.FullPath)));
        Assert.Contains(Path.Combine(secret, "passwd"), judged);
        Assert.Contains(secret, judged);
        Assert.DoesNotContain(inputs, i => i.FullPath.Contains("secret", StringComparison.Ordinal));
    }

    private string Folder(string relative) => Directory.CreateDirectory(Path.Combine(_root, relative)).FullName;

    private void Touch(string relative)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
    }
}
