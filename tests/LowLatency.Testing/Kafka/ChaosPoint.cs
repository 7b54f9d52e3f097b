using System.Diagnostics;
using System.Globalization;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// Fault injection at a named point of the exactly-once protocol: at the <see cref="Occurrence"/>-th time the
/// worker reaches <see cref="Point"/>, the thread there raises <see cref="Signal"/> (SIGKILL: a crash exactly there;
/// SIGSTOP: a pause that makes it a zombie once the group moves its partitions). Spelled <c>point:n</c>, the
/// point in kebab case (<c>state-written:3</c>).
/// </summary>
public sealed record ChaosPoint(KafkaTransactionPoint Point, int Occurrence, int Signal)
{
    private int _seen;
    private long _outputsAtLastFlush;

    /// <summary>
    /// The worker's outputs produced so far (<see cref="KafkaExactlyOnce{T}.Produced"/>). When set, an
    /// <c>outputs-flushed</c> point counts only in a commit whose epoch produced output: a pause or crash there is
    /// meant to leave output on the log without its commit record, and an epoch that closed no window (a few
    /// ticks of each key, all within open windows) leaves none — a zombie paused in it has nothing to void.
    /// </summary>
    public Func<long>? Outputs { get; init; }

    /// <summary>Every point's spelling, for help texts.</summary>
    public static string Names => string.Join(", ", Enum.GetValues<KafkaTransactionPoint>().Select(Kebab));

    /// <summary>Parses <c>point:n</c>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ChaosPoint Parse(string text, int signal)
    {
        string[] parts = text.Split(':');
        KafkaTransactionPoint? point = Enum.GetValues<KafkaTransactionPoint>().Cast<KafkaTransactionPoint?>().FirstOrDefault(p => Kebab(p!.Value) == parts[0]);
        if (parts.Length != 2 || point is null || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
        {
            throw new FormatException($"'{text}' is not point:n (n ≥ 1; points: {Names}).");
        }

        return new ChaosPoint(point.Value, n, signal);
    }

    public static string Kebab(KafkaTransactionPoint point) => point switch
    {
        KafkaTransactionPoint.OutputsFlushed => "outputs-flushed",
        KafkaTransactionPoint.StateWritten => "state-written",
        _ => point.ToString().ToLowerInvariant(),
    };

    public override string ToString() => $"{Kebab(Point)}:{Occurrence}";

    /// <summary>The <see cref="KafkaExactlyOnceOptions.OnPoint"/> callback.</summary>
    public void OnPoint(KafkaTransactionPoint point, int partition)
    {
        if (point != Point || !EpochCounts(point) || Interlocked.Increment(ref _seen) != Occurrence)
        {
            return;
        }

        Console.WriteLine($"chaos: signal {Signal} at {this} (partition {partition}){(Outputs is null ? "" : $" after {Outputs()} outputs")}");
        Console.Out.Flush();
        UnixSignal.Raise(Signal); // on this thread, at once: the point's next step must not run first
    }

    /// <summary>Outputs are produced only between commits (by the stage that commits), so the outputs since the last flush point are this epoch's.</summary>
    private bool EpochCounts(KafkaTransactionPoint point)
    {
        if (point != KafkaTransactionPoint.OutputsFlushed || Outputs is null)
        {
            return true;
        }

        long outputs = Outputs();
        bool any = outputs > _outputsAtLastFlush;
        _outputsAtLastFlush = outputs;
        return any;
    }
}
