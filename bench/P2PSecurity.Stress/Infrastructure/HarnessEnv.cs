using System.Text;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>Builds a harness .env: security events logged to security.log next to it, then the run's own settings.</summary>
public sealed class HarnessEnv
{
    private readonly StringBuilder _text = new("# written by p2psecurity-stress\nLOG_SECURITY_EVENTS=true\nSECURITY_LOG_FILE=security.log\n");

    public HarnessEnv Set(string key, object value)
    {
        _text.Append(key).Append('=').Append(System.Globalization.CultureInfo.InvariantCulture, $"{value}").Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
