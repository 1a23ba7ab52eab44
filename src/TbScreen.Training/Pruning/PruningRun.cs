using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using TbScreen.Inference.Metrics;
using TbScreen.Onnx;
using TbScreen.Training.Augmentation;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Pruning;

/// <summary>
/// Iterative pruning of one trained checkpoint with one retraining method. Each round prunes (global magnitude over
/// single weights, or L1 over whole channels), retrains as the method says, evaluates (validation and test AUC
/// with DeLong CIs, ONNX size, ONNX Runtime latency) and writes round-{r}.pt and the updated pruning.json before
/// the next round starts, so an interrupted run loses at most the round in progress and resumes after the last
/// finished one.
/// </summary>
public sealed class PruningRun
{
    public const string RecordFile = "pruning.json";
    private const int ParityImages = 8;

    private readonly string _source;
    private readonly CheckpointSidecar _sidecar;
    private readonly TrainingOptions _training;
    private readonly PruningOptions _options;
    private readonly PruningData _data;
    private readonly string _directory;
    private readonly Action<string> _log;
    private readonly int _batchesPerEpoch;
    private readonly LearningRateSchedule _schedule;
    private readonly int _k;
    private readonly int _t;
    private readonly string? _rewindCheckpoint;

    public PruningRun(string sourceCheckpoint, PruningOptions options, PruningData data, string runDirectory, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceCheckpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        var plan = Preflight(sourceCheckpoint, options);
        _source = Path.GetFullPath(sourceCheckpoint);
        _sidecar = plan.Sidecar;
        _training = _sidecar.Options;
        _options = options;
        _data = data;
        _directory = runDirectory;
        _log = log ?? (_ => { });
        (_k, _t, _rewindCheckpoint) = (plan.RewindEpoch, plan.RetrainEpochs, plan.RewindCheckpoint);
        _batchesPerEpoch = EpochLoop.BatchesPerEpoch(data.Train.Length, _training);
        _schedule = new LearningRateSchedule(_training, _batchesPerEpoch);
    }

    /// <summary>
    /// Checks everything a run needs before the slow data load: the checkpoint and its sidecar, k and t against the
    /// original schedule, and for weight rewinding the epoch-k checkpoint (with how to produce it when missing).
    /// </summary>
    public static (CheckpointSidecar Sidecar, int RewindEpoch, int RetrainEpochs, string? RewindCheckpoint) Preflight(string sourceCheckpoint, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(sourceCheckpoint))
        {
            throw new PruningException(sourceCheckpoint, "checkpoint not found");
        }

        string sidecarPath = Path.ChangeExtension(sourceCheckpoint, ".json");
        if (!File.Exists(sidecarPath))
        {
            throw new PruningException(sidecarPath, "the checkpoint's sidecar is missing (written by `tbscreen train` beside each .pt)");
        }

        var sidecar = Checkpoints.ReadSidecar(sourceCheckpoint);
        var (k, t) = options.Resolve(sidecar.Options.Epochs);
        string? rewind = null;
        if (options.Method == PruningMethod.WeightRewind)
        {
            rewind = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sourceCheckpoint))!, $"epoch-{k}.pt");
            if (!File.Exists(rewind))
            {
                throw new PruningException(rewind,
                    $"weight rewinding to epoch {k} needs the weights saved at that epoch of the original training; " +
                    $"produce them with `tbscreen train ... --epochs {sidecar.Options.Epochs} --rewind-epochs {k}` (or `--rewind-epochs all`), or pick a --rewind-epoch that was saved");
            }
        }

        return (sidecar, k, t, rewind);
    }

    private string Arch => _sidecar.Arch;

    /// <summary>The learning rate of batch <paramref name="batch"/> in retraining epoch <paramref name="epoch"/> (1-based).</summary>
    public double RetrainLearningRate(int epoch, int batch) =>
        Rewinding.LearningRate(_options.Method, _schedule, _training.Epochs, _batchesPerEpoch, _k, epoch, batch);

    public PruningRunRecord Run(CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_directory);
        torch.set_num_threads(_options.Threads);
        var record = Resume(out var model, out var masks, out var originalKeep);
        try
        {
            if (record.Rounds.Count == 0)
            {
                _log($"{_options.Method.Name()}: round 0 (dense source, epoch {_sidecar.Epoch} of T = {_training.Epochs}); retraining {_t} epoch(s) per round, k = {_k}");
                record = Append(record, Evaluate(model, masks, 0, 0, null));
            }

            for (int round = record.Rounds.Count; round <= _options.Rounds; round++)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                ModelOptions modelOptions;
                if (_options.Structured)
                {
                    var current = CurrentModelOptions(record);
                    var local = ChannelPruner.SelectByL1(model, Arch, current, _options.Rate);
                    using var scope = NewDisposeScope();
                    var sliced = ChannelPruner.Slice(model.state_dict(), Arch, current, local);
                    modelOptions = current with { Widths = ChannelPruner.WidthsAfter(Arch, current, local) };
                    var smaller = ChannelPruner.Build(Arch, modelOptions, sliced);
                    model.Dispose();
                    model = smaller;
                    originalKeep = ChannelPruner.Compose(originalKeep, local);
                }
                else
                {
                    masks!.PruneGlobalMagnitude(_options.Rate, _options.PruneOutputLayer ? null : [masks.OutputLayer]);
                    modelOptions = _training.Model;
                }

                if (_options.Method == PruningMethod.WeightRewind)
                {
                    Rewind(model, masks, originalKeep);
                }

                double lastLr = Retrain(model, masks, round, cancellation);
                var evaluated = Evaluate(model, masks, round, clock.Elapsed.TotalSeconds, _options.Structured ? modelOptions.Widths : null);
                SaveRound(model, masks, originalKeep, round, modelOptions, lastLr, evaluated.Validation.Auc);
                record = Append(record, evaluated);
                _log($"{_options.Method.Name()} round {round}/{_options.Rounds}: {evaluated.Compression:F2}x ({evaluated.Sparsity:P1} pruned), " +
                     $"val AUC {PruningReport.Auc(evaluated.Validation.Auc)}, test AUC {PruningReport.Auc(evaluated.Test.Auc)}, ONNX {evaluated.OnnxBytes / 1e6:F1} MB" +
                     (evaluated.SparseOnnxBytes is long s ? $" (sparse {s / 1e6:F1} MB)" : "") +
                     $", {evaluated.Latency?.MedianMs:F1} ms, {clock.Elapsed.TotalSeconds:F0} s");
            }

            record = record with { Finished = true };
            TrainingJson.Write(Path.Combine(_directory, RecordFile), record);
            return record;
        }
        finally
        {
            masks?.Dispose();
            model.Dispose();
        }
    }

    private ModelOptions CurrentModelOptions(PruningRunRecord record) =>
        _training.Model with { Widths = record.Rounds[^1].Widths ?? ChannelPruner.WidthsAfter(Arch, _training.Model, new Dictionary<string, long[]>()) };

    /// <summary>Weight rewinding: the unpruned weights (or surviving channels) take their epoch-k values again.</summary>
    private void Rewind(nn.Module<Tensor, Tensor> model, WeightMasks? masks, IReadOnlyDictionary<string, long[]> originalKeep)
    {
        var (early, _) = Checkpoints.Load(_rewindCheckpoint!);
        using var _ = early;
        Rewinding.Apply(model, masks, early.state_dict(), Arch, _training.Model, _options.Structured ? originalKeep : null);
    }

    /// <summary>Trains with a fresh optimiser as the method says; returns the last learning rate used.</summary>
    private double Retrain(nn.Module<Tensor, Tensor> model, WeightMasks? masks, int round, CancellationToken cancellation)
    {
        torch.manual_seed(_options.Seed + round);
        using var classWeights = EpochLoop.ClassWeights(_data.TrainRecords, _training);
        using var optimizer = EpochLoop.CreateOptimizer(model, _training);
        var augmenter = new GrayAugmenter(_training.Augmentation);
        int[] order = (int[])_data.Train.Clone();
        double lr = 0;
        for (int epoch = 1; epoch <= _t; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var random = new Random(unchecked(_options.Seed * 1_000_003 + round * 10_007 + epoch));
            int e = epoch;
            var pass = EpochLoop.Run(model, optimizer, _data.Images, order, _data.Labels, classWeights, augmenter, random,
                _training.BatchSize, _batchesPerEpoch, b => RetrainLearningRate(e, b), masks, cancellation: cancellation);
            lr = pass.LastLearningRate;
            _log($"  round {round} epoch {epoch}/{_t}: loss {pass.MeanLoss:F4}, lr {lr:G3}, {clock.Elapsed.TotalSeconds:F0} s");
        }

        masks?.Apply();
        return lr;
    }

    private PruningRound Evaluate(nn.Module<Tensor, Tensor> model, WeightMasks? masks, int round, double seconds, IReadOnlyDictionary<string, int>? widths)
    {
        var val = Auc(model, _data.Validation);
        var test = Auc(model, _data.Test);
        long totalParameters = model.parameters().Sum(p => p.numel());
        long prunable = ChannelPruner.PrunableWeightCount(model);
        long remaining = masks?.Remaining ?? prunable;
        long dense = DensePrunableWeights();

        string onnxFolder = Path.Combine(_directory, "onnx");
        Directory.CreateDirectory(onnxFolder);
        string onnx = Path.Combine(onnxFolder, $"round-{round}.onnx");
        var exportOptions = new OnnxExportOptions
        {
            InputHeight = _training.Contract.Size,
            InputWidth = _training.Contract.Size,
            IncludeFeatures = false,
            IncludeFeatureMap = false,
            IncludeCam = Arch == ModelFactory.GoogLeNet,
        };
        var weights = StateDictWeights.From(model);
        long bytes = OnnxModelExporter.ExportToFile(onnx, Arch, weights, exportOptions);
        long? sparseBytes = null, sparseGzip = null;
        double? parity = null;
        if (!_options.Structured && round > 0)
        {
            string sparse = Path.Combine(onnxFolder, $"round-{round}.sparse.onnx");
            sparseBytes = OnnxModelExporter.ExportToFile(sparse, Arch, weights, exportOptions with { SparseWeights = true });
            sparseGzip = GzipBytes(sparse);
            parity = OnnxParity.MaxAbsDifference(onnx, sparse, (_data.Validation.Length > 0 ? _data.Validation : _data.Train).Take(ParityImages).Select(_data.Images.ToModelInputArray).ToList(), _training.Contract.Size);
            File.Delete(sparse);
        }

        var latency = OnnxLatency.Measure(onnx, _training.Contract.Size, _options.LatencyRuns, threads: _options.LatencyThreads);
        long gzip = GzipBytes(onnx);
        File.Delete(onnx);
        return new PruningRound
        {
            Round = round,
            DensePrunableWeights = dense,
            RemainingWeights = remaining,
            Sparsity = 1 - (double)remaining / dense,
            Compression = (double)dense / remaining,
            Parameters = totalParameters - (prunable - remaining),
            OnnxBytes = bytes,
            OnnxGzipBytes = gzip,
            SparseOnnxBytes = sparseBytes,
            SparseOnnxGzipBytes = sparseGzip,
            SparseParityMaxAbsDiff = parity,
            Validation = val,
            Test = test,
            Latency = latency,
            RetrainSeconds = seconds,
            Checkpoint = round == 0 ? _source : $"round-{round}.pt",
            Widths = widths,
        };
    }

    private long DensePrunableWeights()
    {
        using var dense = ModelFactory.Create(Arch, _training.Model);
        return ChannelPruner.PrunableWeightCount(dense);
    }

    private AucWithCi Auc(nn.Module<Tensor, Tensor> model, int[] indices)
    {
        if (indices.Length == 0)
        {
            return new AucWithCi(null, null, null); // no validation split: a model trained on train + validation
        }

        double[] scores = ModelScoring.TbProbabilities(model, _data.Images, indices, _training.BatchSize);
        var estimate = DeLong.Estimate(new ScoredCases(scores, indices.Select(i => _data.Labels[i] == 1).ToArray()));
        return new AucWithCi(estimate.Auc, estimate.CiLow, estimate.CiHigh);
    }

    private void SaveRound(nn.Module<Tensor, Tensor> model, WeightMasks? masks, IReadOnlyDictionary<string, long[]> originalKeep, int round, ModelOptions modelOptions, double lr, double? valAuc)
    {
        new CheckpointWriter(_directory, _training with { Model = modelOptions }).Save(model, $"round-{round}", _sidecar.Epoch, lr, valAuc);
        if (masks is not null)
        {
            masks.Save(Path.Combine(_directory, $"round-{round}.masks"));
        }
        else
        {
            TrainingJson.Write(Path.Combine(_directory, $"round-{round}.channels.json"), originalKeep);
        }
    }

    private PruningRunRecord Append(PruningRunRecord record, PruningRound round)
    {
        record = record with { Rounds = [.. record.Rounds, round] };
        TrainingJson.Write(Path.Combine(_directory, RecordFile), record);
        return record;
    }

    /// <summary>Starts a new record, or picks up the last finished round of a run with the same options and source.</summary>
    private PruningRunRecord Resume(out nn.Module<Tensor, Tensor> model, out WeightMasks? masks, out Dictionary<string, long[]> originalKeep)
    {
        string sha = Sha256(_source);
        var fresh = new PruningRunRecord
        {
            Method = _options.Method.Name(),
            Arch = Arch,
            Structured = _options.Structured,
            Options = _options,
            SourceCheckpoint = _source,
            SourceSha256 = sha,
            OriginalEpochs = _training.Epochs,
            RewindEpoch = _k,
            RetrainEpochs = _t,
            RetrainFirstLearningRate = RetrainLearningRate(1, 0),
            RetrainLastLearningRate = RetrainLearningRate(_t, _batchesPerEpoch - 1),
            RewindCheckpoint = _rewindCheckpoint,
        };
        string path = Path.Combine(_directory, RecordFile);
        originalKeep = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            var existing = TrainingJson.Read<PruningRunRecord>(path);
            if (existing.SourceSha256 != sha || Decisive(existing.Options) != Decisive(_options))
            {
                throw new PruningException(path, "belongs to a run with another source checkpoint or other options; choose another --out or delete that folder");
            }

            int last = existing.Rounds.Count - 1;
            if (last >= 1)
            {
                string checkpoint = Path.Combine(_directory, $"round-{last}.pt");
                (model, _) = Checkpoints.Load(checkpoint);
                masks = _options.Structured ? null : WeightMasks.Load(Path.Combine(_directory, $"round-{last}.masks"), model);
                if (_options.Structured)
                {
                    originalKeep = TrainingJson.Read<Dictionary<string, long[]>>(Path.Combine(_directory, $"round-{last}.channels.json"));
                }

                _log($"{_options.Method.Name()}: resuming after round {last} ({checkpoint})");
                return existing with { Options = _options, Finished = false };
            }
        }

        model = LoadSource();
        masks = _options.Structured ? null : WeightMasks.Dense(model);
        return File.Exists(path) ? TrainingJson.Read<PruningRunRecord>(path) with { Options = _options, Finished = false } : fresh;
    }

    /// <summary>The options that decide the rounds' results (the output-layer switch means nothing to structured pruning).</summary>
    private static PruningOptions Decisive(PruningOptions options) =>
        options with { Rounds = 0, Threads = 0, LatencyRuns = 0, AccuracyTolerance = 0, PruneOutputLayer = options.PruneOutputLayer || options.Structured };

    /// <summary>The source model; for structured pruning rebuilt as the width-configurable module (same weights).</summary>
    private nn.Module<Tensor, Tensor> LoadSource()
    {
        var (model, _) = Checkpoints.Load(_source);
        if (!_options.Structured)
        {
            return model;
        }

        using var _ = model;
        var options = _training.Model with { Widths = ChannelPruner.WidthsAfter(Arch, _training.Model, new Dictionary<string, long[]>()) };
        using var scope = NewDisposeScope();
        return ChannelPruner.Build(Arch, options, model.state_dict());
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static long GzipBytes(string path)
    {
        using var input = File.OpenRead(path);
        using var counter = new CountingStream();
        using (var gzip = new GZipStream(counter, CompressionLevel.Optimal, leaveOpen: true))
        {
            input.CopyTo(gzip);
        }

        return counter.Length;
    }

    /// <summary>A write-only stream that only counts bytes.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;
    }
}
