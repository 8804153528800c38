namespace P2PSecurity.Stress.RawTls;

/// <summary>
/// Handshake messages out of records, in plaintext (the ServerHello) and then protected; a message may span records
/// and a record may hold several. Change-cipher-spec records are skipped; an alert throws.
/// </summary>
internal sealed class HandshakeReader(Stream network)
{
    private readonly MemoryStream _buffer = new();
    private RecordProtection? _protection;

    public void Protect(RecordProtection protection) => _protection = protection;

    public Task<byte[]> NextPlainAsync(CancellationToken ct) => NextAsync(ct);

    /// <summary>The next whole handshake message: type, three-byte length and body.</summary>
    public async Task<byte[]> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryTake() is { } message)
            {
                return message;
            }
            if (await TlsRecordLayer.ReadAsync(network, ct) is not var (header, payload))
            {
                throw new IOException("the server closed the connection during the TLS handshake");
            }
            var (type, content) = header[0] == TlsRecordLayer.ApplicationData && _protection is not null
                ? _protection.Open(header, payload)
                : (header[0], payload);
            switch (type)
            {
                case TlsRecordLayer.Handshake:
                    _buffer.Write(content);
                    break;
                case TlsRecordLayer.Alert:
                    throw new TlsAlertException(content);
                case TlsRecordLayer.ChangeCipherSpec:
                    break;
                default:
                    throw new InvalidDataException($"unexpected TLS record type {type} during the handshake");
            }
        }
    }

    private byte[]? TryTake()
    {
        var data = _buffer.GetBuffer();
        var length = (int)_buffer.Length;
        if (length < 4)
        {
            return null;
        }
        var bodyLength = (data[1] << 16) | (data[2] << 8) | data[3];
        if (length < 4 + bodyLength)
        {
            return null;
        }
        var message = data.AsSpan(0, 4 + bodyLength).ToArray();
        var rest = data.AsSpan(4 + bodyLength, length - 4 - bodyLength).ToArray();
        _buffer.SetLength(0);
        _buffer.Write(rest);
        return message;
    }
}
