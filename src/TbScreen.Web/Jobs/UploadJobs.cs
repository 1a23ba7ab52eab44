using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>One uploaded file of an upload job, already buffered (seekable).</summary>
public sealed record UploadedFile(string FileName, Stream Content);

/// <summary>Why an upload job was refused: each bad file with its reason. Nothing is kept when any file is refused.</summary>
public sealed record UploadJobRefusal(IReadOnlyList<(string FileName, string Reason)> Files);

/// <summary>
/// "Upload many files as a job": the files are checked by type, written to a fresh folder under
/// TbScreen:Jobs:UploadFolder, and screened by the same folder-job worker, so progress, resume and results work
/// exactly as for server folders.
/// </summary>
public sealed class UploadJobs(IOptions<TbScreenOptions> options, IScreeningStore store, JobQueue queue, ISiteProfileStore sites)
{
    /// <param name="site">The site chosen for the job (null: the site rules decide); an unknown one throws UnknownSiteException.</param>
    public async Task<(BatchJobInfo? Job, FolderJobRequest? Request, UploadJobRefusal? Refusal)> CreateAsync(
        IReadOnlyList<UploadedFile> files, string actor, CancellationToken cancellationToken, string? site = null)
    {
        site = await JobSites.CheckAsync(sites, site, cancellationToken);
        ArgumentNullException.ThrowIfNull(files);
        var jobs = options.Value.Jobs;
        if (files.Count == 0)
        {
            return (null, null, new UploadJobRefusal([("(none)", "no files were uploaded")]));
        }

        if (files.Count > jobs.MaxFilesPerUpload)
        {
            return (null, null, new UploadJobRefusal([($"{files.Count} files", $"at most {jobs.MaxFilesPerUpload} files per upload job (TbScreen:Jobs:MaxFilesPerUpload)")]));
        }

        var refused = files
            .Where(f => UploadSniffer.Detect(f.Content) == UploadSniffer.Kind.Unknown)
            .Select(f => (f.FileName, "not a DICOM, PNG or JPEG file (judged by its content, not its name)"))
            .ToList();
        if (refused.Count > 0)
        {
            return (null, null, new UploadJobRefusal(refused));
        }

        queue.EnsureRoom(); // before anything is written
        string folder = Path.Combine(jobs.UploadFolder, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < files.Count; i++)
        {
            // An index prefix keeps same-named files apart and the upload order; the name is reduced to its last segment.
            string name = $"{i + 1:D4}-{SafeName(files[i].FileName)}";
            await using var target = File.Create(Path.Combine(folder, name));
            files[i].Content.Position = 0;
            await files[i].Content.CopyToAsync(target, cancellationToken);
        }

        var request = new FolderJobRequest(folder, Recursive: false, UploadedFiles: files.Count, Site: site);
        var job = await store.CreateJobAsync([folder], request.ToJson(), FolderJobRequest.NewKey(),
            id => new AuditEntry(actor, AuditActions.JobCreated, $"job/{id}", $"upload of {files.Count} files"), cancellationToken);
        queue.Enqueue(job.Id);
        return (job, request, null);
    }

    /// <summary>The last path segment, with anything but letters, digits, '.', '-' and '_' replaced; never hidden or empty.</summary>
    internal static string SafeName(string fileName)
    {
        string last = Path.GetFileName(fileName.Replace('\\', '/').Split('/')[^1]);
        var chars = last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        string safe = new string(chars).TrimStart('.');
        return safe.Length == 0 ? "file" : safe.Length > 100 ? safe[^100..] : safe;
    }
}
