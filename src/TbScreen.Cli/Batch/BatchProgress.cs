using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Batch;

/// <summary>Counts and rate shared by both displays; rate and ETA cover this run's work only, not stored items.</summary>
public sealed class BatchCounter
{
    private readonly Stopwatch _clock = new();

    public int Total { get; private set; }

    public int Done { get; private set; }

    public int Failed { get; private set; }

    private int _resumed;

    public void Start(int total, int alreadyDone)
    {
        Total = total;
        Done = alreadyDone;
        _resumed = alreadyDone;
        _clock.Restart();
    }

    public void Add(bool ok)
    {
        Done++;
        if (!ok)
        {
            Failed++;
        }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Items per second screened in this run.</summary>
    public double Rate => _clock.Elapsed.TotalSeconds > 0 ? (Done - _resumed) / _clock.Elapsed.TotalSeconds : 0;

    public TimeSpan? Eta => Rate > 0 ? TimeSpan.FromSeconds((Total - Done) / Rate) : null;

    /// <summary>`screened 120/917 (3.4/s, eta 04:10), 3 failed`.</summary>
    public string Line()
    {
        string eta = Eta is { } e ? Clock(e) : "--:--";
        return string.Create(CultureInfo.InvariantCulture, $"screened {Done}/{Total} ({Rate:F1}/s, eta {eta}), {Failed} failed");
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");
}

/// <summary>For logs and pipes: a `screened …` line at most every <c>interval</c>, and one at the end.</summary>
public sealed class PlainBatchProgress(TextWriter output, TimeSpan interval) : IBatchProgress
{
    private readonly BatchCounter _counter = new();
    private TimeSpan _lastLine;

    public void Started(int total, int alreadyDone)
    {
        _counter.Start(total, alreadyDone);
        output.WriteLine(alreadyDone > 0
            ? $"screening {total} files ({alreadyDone} already done in this job)"
            : $"screening {total} files");
    }

    public void ItemDone(bool ok)
    {
        _counter.Add(ok);
        if (_counter.Elapsed - _lastLine >= interval)
        {
            _lastLine = _counter.Elapsed;
            output.WriteLine(_counter.Line());
        }
    }

    public void Finished() => output.WriteLine(_counter.Line());
}

/// <summary>A live Spectre.Console bar with rate and ETA, for an interactive terminal (drawn on stderr).</summary>
public sealed class SpectreBatchProgress(ProgressContext context) : IBatchProgress
{
    private readonly BatchCounter _counter = new();
    private ProgressTask? _task;

    public void Started(int total, int alreadyDone)
    {
        _counter.Start(total, alreadyDone);
        _task = context.AddTask("screening", maxValue: Math.Max(1, total));
        _task.Value = alreadyDone;
    }

    public void ItemDone(bool ok)
    {
        _counter.Add(ok);
        if (_task is not null)
        {
            _task.Value = _counter.Done;
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"screening ({_counter.Rate:F1}/s, {_counter.Failed} failed)");
        }
    }

    public void Finished() => _task?.StopTask();

    /// <summary>Runs <paramref name="body"/> under a live bar on stderr, so stdout stays clean for results.</summary>
    public static T Run<T>(Func<IBatchProgress, T> body)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => body(new SpectreBatchProgress(context)));
    }
}
