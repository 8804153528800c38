namespace P2PSecurity.Stress.RawTls;

/// <summary>The server sent a TLS alert (other than close_notify).</summary>
public sealed class TlsAlertException : IOException
{
    public TlsAlertException(byte[] alert)
        : base(alert.Length == 2 ? $"TLS alert {Describe(alert[1])} ({alert[1]})" : "malformed TLS alert")
    {
        Description = alert.Length == 2 ? alert[1] : -1;
    }

    public TlsAlertException()
    {
    }

    public TlsAlertException(string message)
        : base(message)
    {
    }

    public TlsAlertException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The alert description code (RFC 8446 section 6), or -1.</summary>
    public int Description { get; }

    private static string Describe(byte code) => code switch
    {
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        80 => "internal_error",
        109 => "missing_extension",
        116 => "certificate_required",
        _ => "alert",
    };
}
