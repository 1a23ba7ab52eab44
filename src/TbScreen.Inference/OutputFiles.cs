namespace TbScreen.Inference;

/// <summary>Report and export files of every host and experiment runner.</summary>
public static class OutputFiles
{
    /// <summary>Writes atomically (temp file then move) so a failed run never leaves half a file.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(temp, bytes.ToArray());
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new OutputException($"{path}: cannot write output: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error is the one worth reporting.
        }
    }
}

/// <summary>The output could not be written (the input was fine).</summary>
public sealed class OutputException(string message, Exception? inner = null) : Exception(message, inner);
