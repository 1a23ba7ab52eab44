namespace TbScreen.Audit.Probe;

/// <summary>Settings of the multinomial logistic-regression probe.</summary>
/// <param name="L2">Penalty on the weights (not the biases), per case: loss = mean cross-entropy + L2 * |W|^2 / 2.</param>
public sealed record ProbeOptions(int Folds = 5, double L2 = 1e-2, int Iterations = 200, int Seed = 1)
{
    public void Validate()
    {
        if (Folds < 2 || L2 < 0 || Iterations < 1)
        {
            throw new ArgumentException("probe: folds >= 2, L2 >= 0 and iterations >= 1 are required");
        }
    }
}

/// <summary>
/// A multinomial logistic regression fitted by full-batch Nesterov-accelerated gradient descent on standardised
/// features (mean and standard deviation of the training fold only). The step is 1 / L with L = lambda_max(X'X/n) / 2
/// + L2, a bound on the loss's curvature (lambda_max by power iteration), so it cannot diverge however correlated the
/// features are. Deterministic: zero initialisation, no sampling.
/// </summary>
public sealed class LogisticProbe
{
    private readonly double[] mean;
    private readonly double[] scale;
    private readonly double[,] weights; // [class, feature]
    private readonly double[] bias;

    private LogisticProbe(double[] mean, double[] scale, double[,] weights, double[] bias)
    {
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
        this.bias = bias;
    }

    public int Classes => bias.Length;

    /// <param name="labels">Class indices in [0, classes).</param>
    public static LogisticProbe Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (features.Count == 0 || features.Count != labels.Count || classes < 2)
        {
            throw new ArgumentException($"probe needs as many labels as feature rows (got {features.Count} and {labels.Count}) and at least 2 classes");
        }

        int n = features.Count, d = features[0].Length;
        var (mean, scale) = Standardisation(features, d);
        var x = features.Select(f => Standardise(f, mean, scale)).ToArray();
        double step = 1 / (LargestEigenvalue(x, d) / 2 + 0.5 + options.L2); // + 0.5 covers the bias column
        var w = new double[classes, d];
        var b = new double[classes];
        var previousW = new double[classes, d];
        var previousB = new double[classes];
        var lookW = new double[classes, d];
        var lookB = new double[classes];
        var gradW = new double[classes, d];
        var gradB = new double[classes];
        var p = new double[classes];
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            double momentum = iteration / (iteration + 3.0);
            for (int c = 0; c < classes; c++)
            {
                lookB[c] = b[c] + momentum * (b[c] - previousB[c]);
                for (int j = 0; j < d; j++)
                {
                    lookW[c, j] = w[c, j] + momentum * (w[c, j] - previousW[c, j]);
                }
            }

            Array.Copy(w, previousW, w.Length);
            Array.Copy(b, previousB, b.Length);
            Array.Clear(gradW);
            Array.Clear(gradB);
            for (int i = 0; i < n; i++)
            {
                Softmax(x[i], lookW, lookB, p);
                for (int c = 0; c < classes; c++)
                {
                    double error = p[c] - (labels[i] == c ? 1 : 0);
                    gradB[c] += error;
                    for (int j = 0; j < d; j++)
                    {
                        gradW[c, j] += error * x[i][j];
                    }
                }
            }

            for (int c = 0; c < classes; c++)
            {
                b[c] = lookB[c] - step * gradB[c] / n;
                for (int j = 0; j < d; j++)
                {
                    w[c, j] = lookW[c, j] - step * (gradW[c, j] / n + options.L2 * lookW[c, j]);
                }
            }
        }

        return new LogisticProbe(mean, scale, w, b);
    }

    /// <summary>The most probable class (ties to the lowest index).</summary>
    public int Predict(float[] feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var p = new double[Classes];
        Softmax(Standardise(feature, mean, scale), weights, bias, p);
        int best = 0;
        for (int c = 1; c < p.Length; c++)
        {
            if (p[c] > p[best])
            {
                best = c;
            }
        }

        return best;
    }

    private static (double[] Mean, double[] Scale) Standardisation(IReadOnlyList<float[]> features, int d)
    {
        var mean = new double[d];
        var scale = new double[d];
        foreach (var f in features)
        {
            if (f.Length != d)
            {
                throw new ArgumentException($"feature rows differ in length ({f.Length} vs {d})");
            }

            for (int j = 0; j < d; j++)
            {
                mean[j] += f[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= features.Count;
        }

        foreach (var f in features)
        {
            for (int j = 0; j < d; j++)
            {
                scale[j] += (f[j] - mean[j]) * (f[j] - mean[j]);
            }
        }

        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(scale[j] / features.Count);
            scale[j] = sd > 1e-8 ? sd : 1; // a constant feature stays 0 after centring
        }

        return (mean, scale);
    }

    /// <summary>lambda_max of X'X/n by 30 power iterations from a fixed start (an overestimate is harmless).</summary>
    private static double LargestEigenvalue(double[][] x, int d)
    {
        var v = Enumerable.Repeat(1 / Math.Sqrt(d), d).ToArray();
        double lambda = 1;
        for (int iteration = 0; iteration < 30; iteration++)
        {
            var next = new double[d];
            foreach (var row in x)
            {
                double dot = 0;
                for (int j = 0; j < d; j++)
                {
                    dot += row[j] * v[j];
                }

                for (int j = 0; j < d; j++)
                {
                    next[j] += dot * row[j] / x.Length;
                }
            }

            lambda = Math.Sqrt(next.Sum(t => t * t));
            if (lambda < 1e-12)
            {
                return 1;
            }

            for (int j = 0; j < d; j++)
            {
                v[j] = next[j] / lambda;
            }
        }

        return lambda * 1.05;
    }

    private static double[] Standardise(float[] f, double[] mean, double[] scale)
    {
        var x = new double[f.Length];
        for (int j = 0; j < f.Length; j++)
        {
            x[j] = (f[j] - mean[j]) / scale[j];
        }

        return x;
    }

    private static void Softmax(double[] x, double[,] w, double[] b, double[] p)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < p.Length; c++)
        {
            double z = b[c];
            for (int j = 0; j < x.Length; j++)
            {
                z += w[c, j] * x[j];
            }

            p[c] = z;
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (int c = 0; c < p.Length; c++)
        {
            p[c] = Math.Exp(p[c] - max);
            sum += p[c];
        }

        for (int c = 0; c < p.Length; c++)
        {
            p[c] /= sum;
        }
    }
}
