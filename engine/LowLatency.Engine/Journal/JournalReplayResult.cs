namespace LowLatency.Engine.Journal;

/// <summary>What a replay published.</summary>
/// <param name="Events">Events published into the ring.</param>
/// <param name="Marks">Watermark and control marks passed to <see cref="JournalReplayOptions.OnMark"/>.</param>
/// <param name="FirstPosition">Journal position of the first event published (−1: none).</param>
/// <param name="LastPosition">Journal position of the last event published (−1: none).</param>
/// <param name="Damage">The torn tail the replay stopped at, if any.</param>
public sealed record JournalReplayResult(long Events, long Marks, long FirstPosition, long LastPosition, JournalDamage? Damage);
