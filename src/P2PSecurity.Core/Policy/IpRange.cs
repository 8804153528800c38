using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.Core.Policy;

/// <summary>An inclusive range of addresses in the 128-bit space of <see cref="IpAddressKey"/>: one address or a CIDR block.</summary>
/// <param name="First">The first address.</param>
/// <param name="Last">The last address.</param>
/// <param name="Canonical">The normal written form: <c>10.0.0.0/8</c>, <c>1.2.3.4</c>, <c>2001:db8::/32</c>.</param>
public sealed record IpRange(UInt128 First, UInt128 Last, string Canonical)
{
    /// <summary>True when <paramref name="address"/> is in the range.</summary>
    public bool Contains(IPAddress address)
    {
        var key = IpAddressKey.From(address);
        return key >= First && key <= Last;
    }

    /// <summary>
    /// Parses an address or CIDR block. IPv4-mapped IPv6 input (<c>::ffff:1.2.3.4</c>) is the same as its IPv4 form.
    /// Host bits set below the prefix are an error naming both readings: <c>10.1.2.3/8</c> blocks a whole /8, while
    /// the operator who wrote it most likely meant the one address, and a block list must not guess wider.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IpRange? range, [NotNullWhen(false)] out string? error)
    {
        if (TryParse(text, out var first, out var last, out var canonical, out error))
        {
            range = new IpRange(first, last, canonical);
            return true;
        }
        range = null;
        return false;
    }

    /// <summary>As <see cref="TryParse(string, out IpRange?, out string?)"/>, without the object (a long list keeps its ranges in arrays).</summary>
    internal static bool TryParse(string text, out UInt128 first, out UInt128 last, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        first = last = UInt128.Zero;
        canonical = null;
        var s = text.Trim();
        var slash = s.IndexOf('/');
        var addressText = slash < 0 ? s : s[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%') ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressText.AsSpan().Count('.') != 3))
        {
            error = slash < 0
                ? "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)"
                : "is not a valid CIDR: the address before '/' is not an IP address (e.g. 10.0.0.0/8 or 2001:db8::/32)";
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork && PlainDecimalError(addressText) is { } decimalError)
        {
            error = decimalError;
            return false;
        }
        var isV4 = address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;
        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = s.AsSpan(slash + 1);
            if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix)
            {
                error = address.AddressFamily == AddressFamily.InterNetwork
                    ? "is not a valid CIDR (IPv4 prefix is 0-32)"
                    : "is not a valid CIDR (IPv6 prefix is 0-128)";
                return false;
            }
        }
        // In the 128-bit space an IPv4 /p is a /(96+p).
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? prefix + 96 : prefix;
        if (address.IsIPv4MappedToIPv6 && bits < 96)
        {
            error = "is not a valid CIDR: an IPv4-mapped prefix must be at least /96";
            return false;
        }
        var key = IpAddressKey.From(address);
        var hostMask = bits == 128 ? UInt128.Zero : UInt128.MaxValue >> bits;
        first = key & ~hostMask;
        last = first | hostMask;
        if (first != key)
        {
            error = $"has host bits set below its /{prefix} prefix: did you mean {Format(first, bits, isV4)} or {Format(key, 128, isV4)}/{(isV4 ? 32 : 128)}?";
            return false;
        }
        // Plain IPv4 in decimal without leading zeros (the only form accepted), with no host bits and a plain prefix
        // below /32, is already written canonically: keep the text instead of formatting it again (100,000 entries
        // per reload). A /32 is written without its prefix, like the single address it is.
        canonical = address.AddressFamily == AddressFamily.InterNetwork &&
            (slash < 0 || (prefix < 32 && (s[slash + 1] != '0' || s.Length == slash + 2)))
            ? s
            : Format(first, bits, isV4);
        error = null;
        return true;
    }

    /// <summary>
    /// IPAddress.TryParse follows inet_aton: "010.0.0.1" is 8.0.0.1 (octal) and "0x0a.0.0.1" is 10.0.0.1. An operator
    /// who writes zero-padded parts means decimal, so the rule would block the wrong host: only plain decimal is taken.
    /// </summary>
    private static string? PlainDecimalError(string text)
    {
        // The caller has checked there are four parts; look at each without allocating (100,000 entries per reload).
        var leadingZero = false;
        foreach (var range in text.AsSpan().Split('.'))
        {
            var part = text.AsSpan(range);
            if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9'))
            {
                return "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)";
            }
            leadingZero |= part.Length > 1 && part[0] == '0';
        }
        if (!leadingZero)
        {
            return null;
        }
        var parts = text.Split('.');
        var zeroPadded = parts.First(p => p.Length > 1 && p[0] == '0');
        var meant = string.Join('.', parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
        return $"is not a valid IP address: '{zeroPadded}' has a leading zero, which some tools read as octal; write each part in plain decimal (e.g. {meant})";
    }

    private static string Format(UInt128 first, int bits, bool isV4)
    {
        var address = IpAddressKey.ToAddress(first).ToString();
        if (isV4)
        {
            return bits == 128 ? address : $"{address}/{bits - 96}";
        }
        return bits == 128 ? address : $"{address}/{bits}";
    }
}
