using System.Security.Cryptography;
using System.Text;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// The key a batch job is found by on a rerun: SHA-256 of the model version and the sorted absolute paths of
/// every input file. The same command over the same files with the same models resumes the same job; new files,
/// other models or other inputs start a new one. --jobs and --out do not count: they change neither which files
/// are screened nor their results, so `--out a.csv` can be rerun as `--out a.json` without screening anything.
/// </summary>
public static class JobIdentity
{
    public static string Compute(IEnumerable<BatchInput> inputs, string modelVersion)
    {
        var text = new StringBuilder("tbscreen-batch-v1\n").Append(modelVersion).Append('\n');
        foreach (string path in inputs.Select(i => i.FullPath).Order(StringComparer.Ordinal))
        {
            text.Append(path).Append('\n');
        }

        return "batch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
