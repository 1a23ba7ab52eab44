using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom;
using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Pixels;
using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Sites;

namespace TbScreen.Screening;

/// <summary>
/// Ingest (DICOM or PNG/JPEG, sniffed by content) → chest radiograph rules → preprocessing, ensemble, decision,
/// flag and heatmap. Holds no per-call state, so one instance serves every parallel worker and request; the
/// ONNX sessions underneath are thread-safe. Dispose at shutdown when this instance loaded the models.
/// </summary>
public sealed class ScreeningPipeline : IScreeningPipeline, IDisposable
{
    private readonly RadiographScreener _screener;
    private readonly ScreeningOptions _options;
    private readonly bool _ownsEnsemble;
    private readonly string _modelVersion;
    private readonly StabilityOptions _stability;

    /// <summary>Wraps an ensemble the caller owns (and disposes).</summary>
    public ScreeningPipeline(TbEnsemble ensemble, ScreeningOptions? options = null)
        : this(ensemble, options, ownsEnsemble: false)
    {
    }

    private ScreeningPipeline(TbEnsemble ensemble, ScreeningOptions? options, bool ownsEnsemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        _options = options ?? new ScreeningOptions();
        _stability = _options.ToStabilityOptions();
        _screener = new RadiographScreener(ensemble, _stability);
        _ownsEnsemble = ownsEnsemble;
        _modelVersion = VersionOf(ensemble);
    }

    /// <summary>
    /// "alexnet@1.0.0+googlenet@1.0.0": every member's name and bundle version, in ensemble order. Under a fixed site
    /// profile (the CLI's --site-profile) it goes on "+site@NAME vN:THRESHOLD", and with the stability check on
    /// "+stability@EPS" (<see cref="StabilityOptions.Mark"/>): stored results are reused per image and model version,
    /// and a result decided at another threshold, or without the check, must not be reused as if it were this one.
    /// </summary>
    public string ModelVersion => VersionFor(_modelVersion, Sites.FixedProfile, _stability);

    /// <summary>The version of results screened by <paramref name="modelVersion"/>'s models under an optional fixed profile and stability check.</summary>
    public static string VersionFor(string modelVersion, SiteProfile? profile, StabilityOptions? stability)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        string version = profile is null ? modelVersion : VersionUnder(modelVersion, profile);
        return stability is { Enabled: true } ? $"{version}+{stability.Mark}" : version;
    }

    /// <summary>The version results carry when <paramref name="profile"/> decides them: "MODELS+site@NAME vN:THRESHOLD".</summary>
    public static string VersionUnder(string modelVersion, SiteProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{modelVersion}+site@{profile.Label}:{profile.Threshold:R}");
    }

    public TbEnsemble Ensemble => _screener.Ensemble;

    /// <summary>The site profiles decisions are taken under when a call brings none (the CLI's --site-profile); none by default.</summary>
    public SiteProfiles Sites { get; init; } = SiteProfiles.None;

    /// <summary>How the Patient ID is replaced before an outcome leaves the pipeline; by default it is dropped.</summary>
    public PatientPseudonyms Pseudonyms { get; init; } = PatientPseudonyms.None;

    /// <summary>Decodes DICOM pixel data; <see cref="PixelDataDecoder.Isolated"/> keeps native codec faults out of this process. Owned by the caller.</summary>
    public PixelDataDecoder PixelDecoder { get; init; } = PixelDataDecoder.Default;

    /// <summary>Loads models/ (throws ModelBundleException naming the bad file); the pipeline owns the ensemble.</summary>
    public static ScreeningPipeline Load(string modelsDirectory, InferenceOptions? options = null) =>
        new(TbEnsemble.Load(modelsDirectory, options), new ScreeningOptions { ModelsDirectory = modelsDirectory }, ownsEnsemble: true);

    /// <param name="logger">Receives load-time warnings (CUDA fallback, an INT8 bundle on a CPU that cannot run it exactly).</param>
    public static ScreeningPipeline Load(ScreeningOptions options, PatientPseudonyms? pseudonyms = null, PixelDataDecoder? pixelDecoder = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(TbEnsemble.Load(options.ModelsDirectory, options.ToInferenceOptions(), logger, options.EnsembleFile), options, ownsEnsemble: true)
        {
            Pseudonyms = pseudonyms ?? PatientPseudonyms.None,
            PixelDecoder = pixelDecoder ?? PixelDataDecoder.Default,
        };
    }

    /// <summary>
    /// The models part of a result's version, without the "+site@" and "+stability@" marks of how it was decided: what
    /// fixes the input geometry of its heatmap.
    /// </summary>
    public static string ModelsOf(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        int cut = version.Length;
        foreach (string mark in new[] { "+site@", "+stability@" })
        {
            int at = version.IndexOf(mark, StringComparison.Ordinal);
            cut = at >= 0 ? Math.Min(cut, at) : cut;
        }

        return version[..cut];
    }

    public static string VersionOf(TbEnsemble ensemble) =>
        string.Join('+', ensemble.Members.Select(m => $"{m.Bundle.Name}@{m.Bundle.Metadata.Version}"));

    public ScreeningOutcome Screen(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var clock = Stopwatch.StartNew();
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > _options.MaxFileBytes)
            {
                return Failed(path, ScreeningStatus.UnreadableImage, $"file is {info.Length} bytes, above the {_options.MaxFileBytes}-byte limit", null, clock);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(path, ScreeningStatus.UnreadableImage, $"cannot read file: {e.Message}", null, clock);
        }

        return ScreenBytes(bytes, path, clock, cancellationToken);
    }

    public ScreeningOutcome Screen(Stream content, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sourceName);
        var clock = Stopwatch.StartNew();
        byte[]? bytes;
        try
        {
            bytes = ReadBounded(content, _options.MaxFileBytes);
        }
        catch (IOException e)
        {
            return Failed(sourceName, ScreeningStatus.UnreadableImage, $"cannot read upload: {e.Message}", null, clock);
        }

        return bytes is null
            ? Failed(sourceName, ScreeningStatus.UnreadableImage, $"content exceeds the {_options.MaxFileBytes}-byte limit", null, clock)
            : ScreenBytes(bytes, sourceName, clock, cancellationToken);
    }

    /// <summary>Screens a file already held in memory (the content store hands these out).</summary>
    public ScreeningOutcome Screen(byte[] content, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sourceName);
        return ScreenBytes(content, sourceName, Stopwatch.StartNew(), cancellationToken);
    }

    /// <summary>Screens a file held in memory, deciding under <paramref name="scope"/>'s site profiles (the web: a fresh snapshot per call).</summary>
    public ScreeningOutcome Screen(byte[] content, string sourceName, SiteScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(scope);
        return ScreenBytes(content, sourceName, Stopwatch.StartNew(), cancellationToken, scope);
    }

    public void Dispose()
    {
        if (_ownsEnsemble)
        {
            _screener.Ensemble.Dispose();
        }
    }

    private ScreeningOutcome ScreenBytes(byte[] bytes, string source, Stopwatch clock, CancellationToken cancellationToken, SiteScope? scope = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        RadiographMetadata? metadata = null;
        try
        {
            var ingested = Ingest(bytes, source);
            metadata = ingested.Metadata;
            if (ingested.Rejection is { } rejection)
            {
                return Failed(source, ScreeningStatus.NotChestXray, rejection, sha, clock) with { Metadata = metadata, SopInstanceUid = metadata.SopInstanceUid };
            }

            var ingestTime = clock.Elapsed;
            cancellationToken.ThrowIfCancellationRequested();
            var result = _screener.Screen(ingested.Radiograph!, _options.Heatmap);
            var policy = _screener.Ensemble.Policy;
            var deciding = (scope?.Profiles ?? Sites).Resolve(
                new SiteContext(metadata.InstitutionName, metadata.StationName, scope?.CallingAeTitle, scope?.ChosenSite), policy.Definition.Threshold);
            var decision = SiteDecision.Apply(result.Decision, policy, deciding.Threshold);
            var layout = ingested.Radiograph!.Layout;
            return new ScreeningOutcome
            {
                Source = source,
                Status = ScreeningStatus.Ok,
                ContentSha256 = sha,
                SopInstanceUid = metadata.SopInstanceUid,
                PixelSha256 = ImageIdentity.PixelSha256(ingested.Radiograph!),
                Metadata = metadata,
                AlexNetProbability = MemberProbability(decision, "alexnet"),
                GoogLeNetProbability = MemberProbability(decision, "googlenet"),
                EnsembleProbability = decision.Probability,
                MemberProbabilities = decision.Members.ToDictionary(m => m.Name, m => m.Probability),
                Decision = DecisionText.Decision(decision),
                Flag = DecisionText.Flag(decision),
                FlagReason = DecisionText.Reason(decision),
                DecidedBy = deciding,
                Input = new InputProperties(layout.Rows, layout.Columns, layout.BitsStored, layout.PhotometricInterpretation),
                ModelVersion = ModelVersion,
                Heatmap = result.Heatmap,
                Timings = result.Timings,
                IngestTime = ingestTime,
                Elapsed = clock.Elapsed,
            };
        }
        catch (CodecFaultException e)
        {
            // The file may be fine; the codec failed on it (crash, hang) in its own process, which this one survived.
            return Failed(source, ScreeningStatus.ProcessingFailed, e.Message, sha, clock, metadata);
        }
        catch (UnsupportedTransferSyntaxException e)
        {
            return Failed(source, ScreeningStatus.UnsupportedTransferSyntax, e.Message, sha, clock, metadata);
        }
        catch (DicomException e)
        {
            return Failed(source, ScreeningStatus.InvalidDicom, e.Message, sha, clock, metadata);
        }
        catch (ImageDecodeException e)
        {
            return Failed(source, ScreeningStatus.UnreadableImage, e.Message, sha, clock, metadata);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // The message only: a stack trace would leak into CSVs and API responses and helps no radiographer.
            return Failed(source, ScreeningStatus.ProcessingFailed, $"{e.GetType().Name}: {e.Message}", sha, clock, metadata);
        }
    }

    private Ingested Ingest(byte[] bytes, string source)
    {
        if (RadiographFiles.IsRaster(bytes.AsSpan(0, Math.Min(8, bytes.Length))))
        {
            // PNG/JPEG carry no modality, body part or view: accepted as chest films by the caller's word.
            var raster = RasterImageLoader.Default.Load(new MemoryStream(bytes, writable: false), source);
            return new Ingested(raster, Deidentified(raster.Metadata), null);
        }

        if (!DicomSniffer.IsDicom(bytes, bytes.Length))
        {
            throw new ImageDecodeException(source, "not a DICOM, PNG or JPEG file");
        }

        var file = new DicomReader(new DicomReaderOptions { MaxFileBytes = _options.MaxFileBytes }).Parse(bytes, source);
        // The rules run on the attributes before any pixel decoding: a CT volume is rejected without decoding it.
        var metadata = Deidentified(DicomMetadata.Extract(file.Dataset, file.Dataset.GetInt(DicomTag.NumberOfFrames) ?? 1));
        // A CD's DICOMDIR or a report beside the images is not a broken file: it is named for what it is.
        if (NonImageObjects.Describe(file) is { } kind)
        {
            return new Ingested(null, metadata, $"{kind}: not an image");
        }

        if (ChestXrayRules.Reject(metadata) is { } rejection)
        {
            return new Ingested(null, metadata, rejection);
        }

        var radiograph = new DicomRadiographReader(decoder: PixelDecoder).ToRadiograph(file);
        return new Ingested(radiograph, metadata, null);
    }

    /// <summary>
    /// The birth date and Patient ID stay in the file: outcomes reach CSVs, the API and the store, which keep the age
    /// and at most a keyed pseudonym of the ID.
    /// </summary>
    private RadiographMetadata Deidentified(RadiographMetadata metadata) =>
        metadata with { PatientBirthDate = null, PatientId = null, PatientPseudonym = Pseudonyms.Of(metadata.PatientId) };

    private static double? MemberProbability(Inference.Ensembles.EnsembleDecision decision, string name) =>
        decision.Members.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Probability;

    private ScreeningOutcome Failed(string source, ScreeningStatus status, string error, string? sha, Stopwatch clock, RadiographMetadata? metadata = null) => new()
    {
        Source = source,
        Status = status,
        Error = error,
        ContentSha256 = sha,
        Metadata = metadata,
        SopInstanceUid = metadata?.SopInstanceUid,
        ModelVersion = ModelVersion,
        Elapsed = clock.Elapsed,
    };

    /// <summary>Null when the stream holds more than <paramref name="limit"/> bytes.</summary>
    private static byte[]? ReadBounded(Stream stream, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private sealed record Ingested(Radiograph? Radiograph, RadiographMetadata Metadata, string? Rejection);
}
