using System.Reflection;

namespace TbScreen.Web.Tests;

/// <summary>The architecture rule: the web host reaches Screening (and what it brings), never Training or TorchSharp.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void The_web_host_references_neither_training_nor_torchsharp()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>([typeof(Program).Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!) || !name.Name!.StartsWith("TbScreen.", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        Assert.Contains("TbScreen.Screening", seen);
        Assert.DoesNotContain("TbScreen.Training", seen);
        Assert.DoesNotContain(seen, n => n.StartsWith("TorchSharp", StringComparison.Ordinal));
        // The package graph too: nothing brought TorchSharp into the output folder.
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")));
    }
}
