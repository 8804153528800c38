using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>An identity made by the openssl command line, and its node key as openssl computes it.</summary>
public static class OpenSslIdentity
{
    /// <summary>Creates key and certificate with openssl and writes them into one PEM file, key first.</summary>
    public static async Task<(string Path, NodeKey Key)> CreateAsync(string folder, string name)
    {
        var key = Path.Combine(folder, name + ".key");
        var cert = Path.Combine(folder, name + ".crt");
        var made = await ExternalProcess.RunAsync("openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", cert, "-subj", "/CN=" + name, "-days", "30"]);
        Assert.True(made.ExitCode == 0, "openssl req failed: " + made.Stderr);
        var path = Path.Combine(folder, name + ".pem");
        await File.WriteAllTextAsync(path, await File.ReadAllTextAsync(key) + await File.ReadAllTextAsync(cert));
        return (path, await NodeKeyOfAsync(cert));
    }

    /// <summary><c>openssl x509 -pubkey -noout -in c.pem | openssl pkey -pubin -outform der | sha256sum</c>.</summary>
    public static async Task<NodeKey> NodeKeyOfAsync(string certificatePath)
    {
        var pub = await ExternalProcess.RunAsync("openssl", ["x509", "-pubkey", "-noout", "-in", certificatePath]);
        var der = await ExternalProcess.RunAsync("openssl", ["pkey", "-pubin", "-outform", "der"], pub.Stdout);
        Assert.True(der.ExitCode == 0, "openssl pkey failed: " + der.Stderr);
        return NodeKey.FromHash(System.Security.Cryptography.SHA256.HashData(der.Stdout));
    }
}
