using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LowLatency.Adapters.Sockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

public sealed class TlsTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task PublisherToSource_OverTls_EveryEventAcked()
    {
        using X509Certificate2 certificate = SelfSigned();
        string thumbprint = certificate.Thumbprint;
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(TcpSourceOptions.Default with
        {
            SchemaId = 3,
            Tls = new SslServerAuthenticationOptions { ServerCertificate = certificate },
            AckInterval = TimeSpan.FromMilliseconds(1),
        });
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(h.Endpoint, default, TcpPublisherOptions.Default with
        {
            SchemaId = 3,
            Compression = FrameCompression.Lz4,
            Tls = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint,
            },
        });
        publisher.Start();
        for (int s = 0; s < 10_000; s++)
        {
            publisher.Publish(VerifiedTick.Create(1, s % 4, s / 4));
        }

        await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(20));
        Assert.That(h.Collected.Snapshot().Count(t => t.IsIntact), Is.EqualTo(10_000));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task PlainClient_AgainstTlsSource_ClosedAsTlsFailure()
    {
        using X509Certificate2 certificate = SelfSigned();
        await using var h = Harness<LongEvent, LongCodec>.Start(TcpSourceOptions.Default with { Tls = new SslServerAuthenticationOptions { ServerCertificate = certificate } });
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(1, 8));
        await client.ReadCloseReasonAsync();
        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.TlsFailed) + h.Metrics.Disconnects(DisconnectReason.TransportError) == 1, "refused at the TLS handshake");
        Assert.That(h.Collected.Count, Is.Zero);
    }
}
