namespace TbScreen.Dicom.Tests.Isolation;

/// <summary>
/// Stands in for a native codec faulting: a "codec host" that dies of SIGSEGV as soon as it starts. Not our host at
/// all, so it also shows that any child death is caught. Linked into the Screening and Web tests.
/// </summary>
internal static class CrashingCodecHost
{
    public static string Write(string folder)
    {
        string path = Path.Combine(folder, "crashing-codec-host");
        File.WriteAllText(path, "#!/bin/sh\nkill -SEGV $$\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
