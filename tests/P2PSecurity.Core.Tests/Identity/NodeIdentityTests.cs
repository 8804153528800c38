using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Identity;

public sealed class NodeIdentityTests : IDisposable
{
    private readonly TempFolder _dir = new();

    [Fact]
    public void CreateFile_NewPath_WritesOwnerOnlyPemThatLoadsToTheSameKey()
    {
        var path = _dir.File("node.pem");

        using var created = NodeIdentity.CreateFile(path);
        using var loaded = NodeIdentity.Load(path);

        Assert.Equal(created.NodeKey, loaded.NodeKey);
        Assert.Equal(NodeKey.FromSubjectPublicKeyInfo(loaded.Certificate.PublicKey.ExportSubjectPublicKeyInfo()), loaded.NodeKey);
        Assert.True(loaded.Certificate.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        var text = File.ReadAllText(path);
        Assert.Contains("-----BEGIN CERTIFICATE-----", text, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void CreateFile_ExistingPath_RefusesAndLeavesTheFileAlone()
    {
        var path = _dir.File("node.pem");
        NodeIdentity.CreateFile(path).Dispose();
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<NodeIdentityException>(() => NodeIdentity.CreateFile(path));

        Assert.Contains("never overwritten", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void LoadOrCreate_CalledTwice_CreatesOnceAndKeepsTheKey()
    {
        var path = Path.Combine(_dir.Path, "sub", "node.pem");

        using var first = NodeIdentity.LoadOrCreate(path, out var createdFirst);
        using var second = NodeIdentity.LoadOrCreate(path, out var createdSecond);

        Assert.True(createdFirst);
        Assert.False(createdSecond);
        Assert.Equal(first.NodeKey, second.NodeKey);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Load_OpenSslMadeIdentity_HasTheKeyOpenSslComputes(bool keyFirst)
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");
        await OpenSsl(null, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-subj", "/CN=made by openssl", "-days", "1");
        var path = _dir.File("node.pem");
        var parts = keyFirst ? new[] { key, cert } : [cert, key];
        await File.WriteAllTextAsync(path, string.Concat(parts.Select(File.ReadAllText)), TestContext.Current.CancellationToken);
        var spki = await OpenSsl(await OpenSsl(null, "x509", "-pubkey", "-noout", "-in", cert), "pkey", "-pubin", "-outform", "der");

        using var identity = NodeIdentity.Load(path);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), identity.NodeKey.ToString());
    }

    [Fact]
    public void Load_RsaCertificate_IsRefusedNamingTheKeyType()
    {
        using var rsa = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var path = _dir.File("rsa.pem");
        File.WriteAllText(path, cert.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());

        var error = Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("ECDSA P-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfAnotherCertificate_IsRefused()
    {
        using var a = NodeIdentity.Create();
        using var b = NodeIdentity.Create();
        var certOfA = a.Certificate.ExportCertificatePem();
        var keyOfB = b.ExportPem()[b.ExportPem().IndexOf("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal)..];
        var path = _dir.File("mixed.pem");
        File.WriteAllText(path, certOfA + "\n" + keyOfB);

        var error = Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(path));

        Assert.Contains("cannot be used with the certificate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a pem at all", "no CERTIFICATE block")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "no PRIVATE KEY block")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted")]
    public void Load_BadFile_SaysWhatIsWrongAndWhere(string content, string expected)
    {
        var path = _dir.File("bad.pem");
        File.WriteAllText(path, content);

        var error = Assert.Throws<NodeIdentityException>(() => NodeIdentity.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_Data_VerifiesWithTheCertificateKeyAsP1363()
    {
        using var identity = NodeIdentity.Create();
        var data = "payload"u8.ToArray();

        var signature = identity.Sign(data);

        using var key = identity.Certificate.GetECDsaPublicKey()!;
        Assert.Equal(64, signature.Length);
        Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private static async Task<byte[]> OpenSsl(byte[]? stdin, params string[] args)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, TestContext.Current.CancellationToken);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await copy;
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {await errors}");
        return output.ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
