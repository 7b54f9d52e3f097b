namespace LowLatency.Lab.Verification;

/// <summary>What a <see cref="StreamVerifier"/> found.</summary>
/// <param name="Expected">Events the sources published.</param>
/// <param name="Seen">Events observed, duplicates included.</param>
/// <param name="Lost">Published and never seen.</param>
/// <param name="Duplicated">Seen more than once (seen − distinct).</param>
/// <param name="Reordered">Seen after a later sequence of the same key (and not a duplicate).</param>
/// <param name="Corrupted">Seen with a payload that does not match its checksum.</param>
/// <param name="Verifiable">False when the stream had more simultaneous gaps than the verifier tracks.</param>
internal readonly record struct VerifierResult(long Expected, long Seen, long Lost, long Duplicated, long Reordered, long Corrupted, bool Verifiable)
{
    /// <summary>Nothing lost, duplicated, reordered or corrupted, and the verdict is exact.</summary>
    public bool IsClean => Lost == 0 && Duplicated == 0 && Reordered == 0 && Corrupted == 0 && Verifiable;
}
