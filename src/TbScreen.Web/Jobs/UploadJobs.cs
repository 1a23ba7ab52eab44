using Microsoft.Extensions.Options;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>One uploaded file of an upload job, already buffered (seekable).</summary>
public sealed record UploadedFile(string FileName, Stream Content);

/// <summary>Why an upload job was refused: each bad file with its reason. Nothing is kept when any file is refused.</summary>
public sealed record UploadJobRefusal(IReadOnlyList<(string FileName, string Reason)> Files);

/// <summary>
/// "Upload many files as a job": the files are checked by type, put in the content store (sealed with AES-256-GCM
/// like every stored source image, never as plain staging files), and the job's items are named by their place and
/// hash (<see cref="StoredItems"/>), never by file name (issue 17). The folder-job worker screens them, so progress,
/// resume and results work exactly as for server folders.
/// </summary>
public sealed class UploadJobs(IOptions<TbScreenOptions> options, IScreeningStore store, JobQueue queue, ISiteProfileStore sites, ContentStore content)
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
        var items = new List<string>(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            files[i].Content.Position = 0;
            items.Add(StoredItems.Key(i + 1, await content.PutAsync(files[i].Content, cancellationToken: cancellationToken)));
        }

        var request = new FolderJobRequest(FolderJobRequest.ContentStoreSource, Recursive: false, UploadedFiles: files.Count, Site: site);
        var job = await store.CreateJobAsync([FolderJobRequest.ContentStoreSource], request.ToJson(), FolderJobRequest.NewKey(),
            id => new AuditEntry(actor, AuditActions.JobCreated, $"job/{id}", $"upload of {files.Count} files"), cancellationToken);
        // The items exist before the job is queued: the worker has nothing to walk.
        await store.AddItemsAsync(job.Id, items, cancellationToken);
        queue.Enqueue(job.Id);
        return (job, request, null);
    }
}
