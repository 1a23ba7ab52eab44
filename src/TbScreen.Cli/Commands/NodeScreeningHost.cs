using System.CommandLine;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Pixels;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Commands;

/// <summary>
/// The screening side of a DICOM node as `listen` and `pull --screen` open it: the database (migrated), the content
/// store, and the pipeline that screens received images with heatmaps (they are shown and sent as captures), native
/// codecs isolated in their host so that a file that crashes or hangs one fails that file, not the node.
/// </summary>
internal sealed class NodeScreeningHost : IDisposable
{
    private readonly PixelDataDecoder _pixelDecoder;

    private NodeScreeningHost(ScreeningDbContextFactory contexts, ContentStore content, PersistentScreeningService screening, PixelDataDecoder pixelDecoder)
    {
        Contexts = contexts;
        Content = content;
        Screening = screening;
        _pixelDecoder = pixelDecoder;
    }

    public ScreeningDbContextFactory Contexts { get; }

    public ContentStore Content { get; }

    public PersistentScreeningService Screening { get; }

    public static NodeScreeningHost Open(ParseResult result, string connection, string storeRoot, TbEnsemble ensemble, ContentStoreCliOptions contentOptions, ILogger logger)
    {
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = connection });
        contexts.Migrate();
        var content = contentOptions.Open(result, storeRoot, logger);
        var screeningOptions = new ScreeningOptions { Heatmap = true, IsolateNativeCodecs = true };
        var pixelDecoder = screeningOptions.CreatePixelDecoder();
        var pipeline = new ScreeningPipeline(ensemble, screeningOptions)
        {
            Pseudonyms = contentOptions.Pseudonyms(result, storeRoot),
            PixelDecoder = pixelDecoder,
        };
        var screening = new PersistentScreeningService(pipeline, new EfScreeningStore(contexts), content, sites: new EfSiteProfileStore(contexts));
        return new NodeScreeningHost(contexts, content, screening, pixelDecoder);
    }

    public void Dispose() => _pixelDecoder.Dispose();
}
