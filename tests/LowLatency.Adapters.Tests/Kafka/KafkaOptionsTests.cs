using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

[TestFixture]
public sealed class KafkaOptionsTests
{
    private static readonly KafkaSourceOptions s_valid = KafkaSourceOptions.Default with { Topics = ["t"] };

    private static IEnumerable<TestCaseData> InvalidSourceOptions()
    {
        yield return new TestCaseData(s_valid with { Topics = [] }, "KafkaSourceOptions.Topics");
        yield return new TestCaseData(s_valid with { GroupId = "" }, "KafkaSourceOptions.GroupId");
        yield return new TestCaseData(s_valid with { PauseAtOccupancy = 0 }, "KafkaSourceOptions.PauseAtOccupancy");
        yield return new TestCaseData(s_valid with { ResumeAtOccupancy = 0.75 }, "KafkaSourceOptions.ResumeAtOccupancy");
        yield return new TestCaseData(s_valid with { PauseAfter = TimeSpan.Zero }, "KafkaSourceOptions.PauseAfter");
        yield return new TestCaseData(s_valid with { MaxOutOfOrderness = -1 }, "KafkaSourceOptions.MaxOutOfOrderness");
        yield return new TestCaseData(s_valid with { Settings = new Dictionary<string, string> { ["enable.auto.commit"] = "true" } }, "KafkaSourceOptions.Settings");
    }

    [TestCaseSource(nameof(InvalidSourceOptions))]
    [CancelAfter(5_000)]
    public void KafkaSource_InvalidOption_ThrowsNamingIt(KafkaSourceOptions options, string option)
    {
        Pipeline<Tick> pipeline = Pipeline<Tick>.Create();
        Assert.That(() => new KafkaSource<Tick>(pipeline, TickCodec.Instance, options),
            Throws.ArgumentException.With.Message.Contains(option));
    }

    [Test]
    [CancelAfter(5_000)]
    public void KafkaSource_MultiProducerPipeline_Refused()
    {
        Pipeline<Tick> pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { ProducerType = ProducerType.Multi });
        Assert.That(() => new KafkaSource<Tick>(pipeline, TickCodec.Instance, s_valid),
            Throws.ArgumentException.With.Message.Contains("PipelineOptions.ProducerType"));
    }

    [Test]
    [CancelAfter(5_000)]
    public void KafkaSink_InvalidOptions_ThrowNamingThem()
    {
        KafkaSinkOptions valid = KafkaSinkOptions.Default with { Topic = "out" };
        Assert.Multiple(() =>
        {
            Assert.That(() => new KafkaSink<Tick>(TickCodec.Instance, valid with { Topic = "" }), Throws.ArgumentException.With.Message.Contains("KafkaSinkOptions.Topic"));
            Assert.That(() => new KafkaSink<Tick>(TickCodec.Instance, valid with { MaxInFlight = 1000 }), Throws.ArgumentException.With.Message.Contains("KafkaSinkOptions.MaxInFlight"));
            Assert.That(() => new KafkaSink<Tick>(TickCodec.Instance, valid with { Settings = new Dictionary<string, string> { ["enable.idempotence"] = "false" } }), Throws.ArgumentException.With.Message.Contains("KafkaSinkOptions.Settings"));
        });
    }
}
