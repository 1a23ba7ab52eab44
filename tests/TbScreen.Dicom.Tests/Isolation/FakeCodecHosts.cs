namespace TbScreen.Dicom.Tests.Isolation;

/// <summary>
/// Shell scripts that stand in for the codec host: not our host at all, so they show that any child death or stall is
/// caught, not only the faults our host commits on request. Linked into the Screening and Web tests.
/// </summary>
internal static class FakeCodecHosts
{
    /// <summary>Dies of SIGSEGV as soon as it starts, like a native codec faulting.</summary>
    public static string Crashing(string folder) => Script(folder, "crashing-codec-host", "kill -SEGV $$");

    /// <summary>Never says it is ready.</summary>
    public static string Stalling(string folder) => Script(folder, "stalling-codec-host", "exec sleep 60");

    private static string Script(string folder, string name, string command)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, $"#!/bin/sh\n{command}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
