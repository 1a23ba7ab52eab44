using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;
using TbScreen.Web.Jobs;

namespace TbScreen.Web.Tests;

public sealed class JobFolderPolicyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tbscreen-web-policy", Guid.NewGuid().ToString("N"));

    public JobFolderPolicyTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "archive", "2026"));
        Directory.CreateDirectory(Path.Combine(_root, "archive-other"));
        Directory.CreateDirectory(Path.Combine(_root, "private"));
    }

    [Fact]
    public void No_configured_roots_refuses_every_folder()
    {
        var policy = new JobFolderPolicy(Options.Create(new TbScreenOptions()));
        Assert.Equal(JobFolderPolicy.Verdict.NoRootsConfigured, policy.Judge(_root, out _));
    }

    [Theory]
    [InlineData("archive", JobFolderPolicy.Verdict.Allowed)]
    [InlineData("archive/2026", JobFolderPolicy.Verdict.Allowed)]
    [InlineData("archive/missing", JobFolderPolicy.Verdict.NotFound)]
    [InlineData("archive-other", JobFolderPolicy.Verdict.OutsideAllowedRoots)]
    [InlineData("archive/../private", JobFolderPolicy.Verdict.OutsideAllowedRoots)]
    [InlineData("private/missing", JobFolderPolicy.Verdict.OutsideAllowedRoots)]
    public void Folders_are_judged_against_the_roots(string relative, JobFolderPolicy.Verdict expected) =>
        Assert.Equal(expected, Policy().Judge(Path.Combine(_root, relative), out _));

    [Fact]
    public void A_symbolic_link_out_of_the_root_is_refused()
    {
        string link = Path.Combine(_root, "archive", "escape");
        Directory.CreateSymbolicLink(link, Path.Combine(_root, "private"));
        Assert.Equal(JobFolderPolicy.Verdict.OutsideAllowedRoots, Policy().Judge(link, out _));
    }

    [Fact]
    public void A_path_through_a_linked_parent_folder_is_judged_by_where_it_leads()
    {
        Directory.CreateDirectory(Path.Combine(_root, "private", "inner"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "archive", "door"), Path.Combine(_root, "private"));
        Assert.Equal(JobFolderPolicy.Verdict.OutsideAllowedRoots, Policy().Judge(Path.Combine(_root, "archive", "door", "inner"), out _));
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_is_allowed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "archive", "latest"), "2026");
        Assert.Equal(JobFolderPolicy.Verdict.Allowed, Policy().Judge(Path.Combine(_root, "archive", "latest"), out _));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private JobFolderPolicy Policy() => new(Options.Create(new TbScreenOptions
    {
        Jobs = new JobOptions { AllowedRoots = [Path.Combine(_root, "archive")] },
    }));
}
