using Microsoft.Extensions.Logging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Runtime;

public class OnnxClassifierTests
{
    private const int Length = 3 * TinyOnnxModel.Size * TinyOnnxModel.Size;

    [Fact]
    public void Probabilities_match_the_hand_computed_softmax()
    {
        using var classifier = Load(withCam: false);
        // Constant v everywhere: every channel mean is v, logits are (-3v, 3v), so p(TB) = 1 / (1 + e^(-6v)).
        var prediction = classifier.PredictOne(Enumerable.Repeat(0.1f, Length).ToArray());

        Assert.Equal(1 / (1 + Math.Exp(-0.6)), prediction.TbProbability, 6);
        Assert.Equal(1.0, prediction.Probabilities.Sum(), 6);
        Assert.Null(prediction.Cam);
        Assert.Equal("CPU", classifier.ExecutionProvider);
    }

    [Fact]
    public void A_batch_gives_the_same_results_as_one_image_at_a_time_and_is_split_by_max_batch_size()
    {
        var tensors = RandomTensors(7, seed: 1);
        using var classifier = Load(withCam: true);
        using var small = Load(withCam: true, new InferenceOptions { MaxBatchSize = 3 });

        var batch = classifier.Predict(tensors);
        var split = small.Predict(tensors);

        for (int i = 0; i < tensors.Length; i++)
        {
            var single = classifier.PredictOne(tensors[i]);
            Assert.Equal(single.TbProbability, batch[i].TbProbability, 6);
            Assert.Equal(single.TbProbability, split[i].TbProbability, 6);
            Assert.Equal(single.Cam!.Values, batch[i].Cam!.Values);
        }

        Assert.Empty(classifier.Predict([]));
    }

    [Fact]
    public void Parallel_calls_on_one_shared_session_give_identical_results()
    {
        var tensors = RandomTensors(4, seed: 2);
        using var classifier = Load(withCam: true, new InferenceOptions { IntraOpThreads = 1 });
        var expected = classifier.Predict(tensors).Select(p => p.TbProbability).ToArray();

        var results = new float[64][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = classifier.Predict(tensors).Select(p => p.TbProbability).ToArray());

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void The_cam_output_is_the_weighted_feature_map()
    {
        using var classifier = Load(withCam: true);
        var tensor = new float[Length];
        // Channel 0, top-left 2x2 block = feature cell (0,0) of the 2x2 average pool.
        tensor[0] = tensor[1] = tensor[8] = tensor[9] = 1f;

        var cam = classifier.PredictOne(tensor).Cam!;

        // Weights tb - normal = (1 - -1) = 2 per channel: cam(0,0) = 2 * mean of that block = 2.
        Assert.Equal((TinyOnnxModel.CamSize, TinyOnnxModel.CamSize), (cam.Height, cam.Width));
        Assert.Equal(2f, cam.Values[0], 5);
        Assert.All(cam.Values.Skip(1), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_rank_four_cam_output_is_accepted()
    {
        string models = TestBundles.TempDirectory();
        string dir = Path.Combine(models, "g4");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, ModelBundle.OnnxFileName), TinyOnnxModel.Build(TestBundles.BrightIsTb, [0f, 0f], withCam: true, camAsRank4: true));
        ModelBundle.WriteMetadata(dir, TestBundles.Metadata("g4", withCam: true));
        using var classifier = new OnnxClassifier(ModelBundle.Load(dir));

        var cam = classifier.PredictOne(new float[Length]).Cam!;

        Assert.Equal(16, cam.Values.Length);
    }

    [Fact]
    public void Tensors_of_the_wrong_length_are_rejected_naming_the_expected_shape()
    {
        using var classifier = Load(withCam: false);

        var e = Assert.Throws<ArgumentException>(() => classifier.Predict([new float[Length], new float[10]]));

        Assert.Contains("Tensor 1 has 10 values", e.Message);
        Assert.Contains("3x8x8 = 192", e.Message);
    }

    [Fact]
    public void Metadata_naming_an_output_the_graph_lacks_is_refused()
    {
        string models = TestBundles.TempDirectory();
        string dir = TestBundles.WriteBundle(models, "alexnet", withCam: false);
        // Metadata promises a CAM the graph does not have.
        ModelBundle.WriteMetadata(dir, TestBundles.Metadata("alexnet", withCam: true));

        var e = Assert.Throws<ModelBundleException>(() => new OnnxClassifier(ModelBundle.Load(dir)));

        Assert.Contains("graph has no output 'cam'", e.Message);
    }

    [Fact]
    public void Asking_for_cuda_on_the_cpu_build_falls_back_to_cpu_with_a_warning()
    {
        var logger = new ListLogger();
        using var classifier = Load(withCam: false, new InferenceOptions { UseCuda = true }, logger);

        Assert.Equal("CPU", classifier.ExecutionProvider);
        var warning = Assert.Single(logger.Messages);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("falling back to CPU", warning.Text);
        Assert.Equal(0.5f, classifier.PredictOne(new float[Length]).TbProbability, 6);
    }

    private static OnnxClassifier Load(bool withCam, InferenceOptions? options = null, ILogger? logger = null) =>
        new(ModelBundle.Load(TestBundles.WriteBundle(TestBundles.TempDirectory(), "m", withCam)), options, logger);

    private static float[][] RandomTensors(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add((logLevel, formatter(state, exception)));
    }
}
