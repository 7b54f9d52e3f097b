using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LowLatency.Hosting;

/// <summary>
/// Healthy while the pipeline runs; degraded while the stall watchdog reports a stage (set
/// <c>Metrics:StallThreshold</c>); unhealthy before start, after shutdown, and once a stage has halted it.
/// </summary>
internal sealed class PipelineHealthCheck<T>(PipelineHost<T> host) : IHealthCheck
    where T : struct
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Pipeline<T> pipeline = host.Pipeline;
        if (pipeline.Fault is { } fault)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"stage '{fault.Stage}' halted the pipeline at sequence {fault.Sequence}", fault.Error));
        }

        if (!host.Started)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("not started"));
        }

        if (pipeline.Completion.IsCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("shut down"));
        }

        PipelineSnapshot snapshot = host.Metrics.CreateSnapshot();
        host.Metrics.Capture(snapshot);
        var data = new Dictionary<string, object>
        {
            ["published"] = snapshot.Published,
            ["occupancy"] = snapshot.Occupancy,
            ["capacity"] = snapshot.Capacity,
        };
        var stalled = new List<string>();
        foreach (StageSnapshot stage in snapshot.Stages)
        {
            data[$"lag:{stage.Name}"] = stage.Lag;
            if (stage.Stalled)
            {
                stalled.Add(stage.Name);
            }
        }

        return Task.FromResult(stalled.Count > 0
            ? HealthCheckResult.Degraded($"stalled: {string.Join(", ", stalled)}", data: data)
            : HealthCheckResult.Healthy("running", data));
    }
}
