using LowLatency.Adapters.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// Model-level tests of the exactly-once rule (<see cref="KafkaTaskLog"/>) for what the bundled mock does not
/// enforce (see <see cref="KafkaMockTransactionTests"/>): aborted and open transactions stay visible, a stale
/// owner is not fenced. Each case is a state-partition history as the mock would keep it.
/// </summary>
[TestFixture]
public sealed class KafkaTaskLogTests
{
    private const ulong A = 0xA1, B = 0xB2, C = 0xC3;

    [Test]
    public void Commits_OfTheClaimingOwner_AreCommittedAndTheNewestIsRestored()
    {
        var log = Replay(Claim(A, epoch: 0, basedOn: -1, next: -1), Commit(A, 1, next: 10), Commit(A, 2, next: 20));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(A, 1) && log.IsCommitted(A, 2), Is.True);
            Assert.That(log.IsCommitted(A, 3), Is.False, "an epoch whose commit record never landed (crash before it) is not committed");
            Assert.That(log.Latest!.NextInputOffset, Is.EqualTo(20));
            Assert.That(log.LatestOffset, Is.EqualTo(2));
            Assert.That(log.Void, Is.Zero);
        });
    }

    [Test]
    public void ZombieCommit_AfterANewerClaim_IsVoidAndNotRestored()
    {
        // A paused (zombie) owner A resumes and commits epoch 2 after B took the task over from A's epoch 1.
        var log = Replay(Claim(A, 0, -1, -1), Commit(A, 1, next: 10), Claim(B, 1, basedOn: 1, next: 10), Commit(A, 2, next: 20), Commit(B, 2, next: 15));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(A, 2), Is.False, "the zombie's epoch is void: its outputs are ignored");
            Assert.That(log.IsCommitted(B, 2), Is.True);
            Assert.That(log.Latest!.Token, Is.EqualTo(B));
            Assert.That(log.Latest.NextInputOffset, Is.EqualTo(15));
            Assert.That(log.Void, Is.EqualTo(1));
        });
    }

    [Test]
    public void ZombieCommit_BetweenTheRestoreReadAndTheClaim_IsVoidedByTheClaim()
    {
        // B read A's epoch 1 (offset 1) and restored from it; A's epoch 2 landed before B's claim. B reprocesses
        // epoch 2's input, so A's epoch 2 must not count, though it came before the claim.
        var log = Replay(Claim(A, 0, -1, -1), Commit(A, 1, next: 10), Commit(A, 2, next: 20), Claim(B, 1, basedOn: 1, next: 10));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(A, 1), Is.True);
            Assert.That(log.IsCommitted(A, 2), Is.False);
            Assert.That(log.Latest!.NextInputOffset, Is.EqualTo(10));
        });
    }

    [Test]
    public void CommitRecord_OfACrashedEpoch_VisibleOnTheMock_IsCommittedAndRestoredConsistently()
    {
        // Crash after the state record landed, before CommitTransaction: the mock shows it (a real broker would
        // abort it, and the restore would resume one epoch earlier; either way outputs and state agree).
        var log = Replay(Claim(A, 0, -1, -1), Commit(A, 1, next: 10), Claim(B, 1, basedOn: 1, next: 10));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(A, 1), Is.True);
            Assert.That(log.Latest!.Token, Is.EqualTo(B));
            Assert.That(log.Latest.NextInputOffset, Is.EqualTo(10));
        });
    }

    [Test]
    public void TwoClaimers_RestoringFromTheSameRecord_OnlyTheLaterOneOwnsTheTask()
    {
        // B and C both restored from A's epoch 1 (overlapping assignments); C's claim voids B's claim and commits.
        var log = Replay(Claim(A, 0, -1, -1), Commit(A, 1, 10), Claim(B, 1, basedOn: 1, next: 10), Commit(B, 2, 20), Claim(C, 1, basedOn: 1, next: 10), Commit(B, 3, 30), Commit(C, 2, 25));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(B, 2) || log.IsCommitted(B, 3), Is.False);
            Assert.That(log.IsCommitted(C, 2), Is.True);
            Assert.That(log.Latest!.NextInputOffset, Is.EqualTo(25));
            Assert.That(log.Void, Is.EqualTo(3), "B's claim, B's epochs 2 and 3");
        });
    }

    [Test]
    public void FirstClaim_VoidsAPartialFirstEpochOfAnOwnerThatNeverClaimed()
    {
        var log = Replay(Commit(A, 1, 10), Claim(B, 0, basedOn: -1, next: -1));
        Assert.Multiple(() =>
        {
            Assert.That(log.IsCommitted(A, 1), Is.False);
            Assert.That(log.Latest!.NextInputOffset, Is.EqualTo(-1));
        });
    }

    [Test]
    public void Records_ThatAreNotTaskRecords_AreCountedAndSkipped()
    {
        var log = new KafkaTaskLog();
        log.Add(0, KafkaTaskRecord.TryDecode([1, 2, 3]));
        log.Add(1, KafkaTaskRecord.TryDecode(Encode(Claim(A, 0, -1, 5))));
        Assert.Multiple(() =>
        {
            Assert.That(log.Malformed, Is.EqualTo(1));
            Assert.That(log.Latest!.NextInputOffset, Is.EqualTo(5));
        });
    }

    [Test]
    public void Record_RoundTripsThroughItsWireForm()
    {
        var record = new KafkaTaskRecord(KafkaTaskRecordKind.Commit, C, 7, 42, -1, 1234, new byte[] { 9, 8, 7 });
        KafkaTaskRecord decoded = KafkaTaskRecord.TryDecode(Encode(record))!;
        Assert.That(decoded with { State = default }, Is.EqualTo(record with { State = default }));
        Assert.That(decoded.State.ToArray(), Is.EqualTo(new byte[] { 9, 8, 7 }));
    }

    private static KafkaTaskRecord Claim(ulong token, long epoch, long basedOn, long next) => new(KafkaTaskRecordKind.Claim, token, 1, epoch, basedOn, next, ReadOnlyMemory<byte>.Empty);

    private static KafkaTaskRecord Commit(ulong token, long epoch, long next) => new(KafkaTaskRecordKind.Commit, token, 1, epoch, -1, next, ReadOnlyMemory<byte>.Empty);

    /// <summary>Each record goes through its wire form, at offsets 0, 1, 2, … as in a state partition.</summary>
    private static KafkaTaskLog Replay(params KafkaTaskRecord[] records)
    {
        var log = new KafkaTaskLog();
        for (int offset = 0; offset < records.Length; offset++)
        {
            log.Add(offset, KafkaTaskRecord.TryDecode(Encode(records[offset])));
        }

        return log;
    }

    private static byte[] Encode(KafkaTaskRecord record)
    {
        var bytes = new byte[KafkaTaskRecord.HeaderSize + record.State.Length];
        record.State.Span.CopyTo(bytes.AsSpan(KafkaTaskRecord.HeaderSize));
        KafkaTaskRecord.WriteHeader(bytes, record.Kind, record.Token, record.Generation, record.Epoch, record.BasedOn, record.NextInputOffset, record.State.Length);
        return bytes;
    }
}
