namespace LowLatency.Testing.Windowing;

/// <summary>Seeded random window test scripts: out-of-order events, some too late, explicit watermarks, punctuations, ticks, drain.</summary>
public static class ScriptGenerator
{
    public static List<ScriptStep> Create(int seed, int events, int keys, long step, long jitter, bool watermarks = true, bool ticks = false)
    {
        var random = new Random(seed);
        var script = new List<ScriptStep>(events + events / 8);
        long clock = random.Next(-1000, 1000);
        long now = 1_000;
        for (int i = 0; i < events; i++)
        {
            clock += random.Next(0, (int)step + 1);
            long ts = clock - random.NextInt64(0, jitter + 1);
            if (random.Next(50) == 0)
            {
                ts -= random.NextInt64(0, jitter * 10 + 1); // occasionally very late
            }

            var t = new TestTrade(ts, random.Next(keys), random.Next(1, 20), random.Next(1, 5));
            if (watermarks && random.Next(40) == 0)
            {
                t.Punctuation = clock - random.NextInt64(0, jitter * 2 + 1);
            }

            script.Add(ScriptStep.Event(t));
            if (watermarks && random.Next(60) == 0)
            {
                script.Add(ScriptStep.Watermark(clock - random.NextInt64(0, jitter * 3 + 1)));
            }

            if (ticks && random.Next(10) == 0)
            {
                now += random.Next(1, 50);
                script.Add(ScriptStep.Tick(now));
            }
        }

        script.Add(ScriptStep.Drain());
        return script;
    }
}
