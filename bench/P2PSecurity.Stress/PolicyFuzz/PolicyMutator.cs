using System.Text;

namespace P2PSecurity.Stress.PolicyFuzz;

/// <summary>Makes hostile variants of good policy files: truncations, garbage, huge lines, bad values, big lists.</summary>
public sealed class PolicyMutator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Keys =
    [
        "ENABLE_P2P_SECURITY", "REQUIRE_NODE_AUTHENTICATION", "NETWORK_SECRET_KEY", "MAX_CONNECTIONS_PER_IP",
        "CONNECTION_RATE_LIMIT", "MESSAGE_RATE_LIMIT", "ALLOWED_NODE_KEYS", "BLOCKED_NODE_KEYS", "BLOCKED_IP_ADDRESSES",
        "ENABLE_MESSAGE_SIGNING", "REJECT_UNSIGNED_MESSAGES", "HANDSHAKE_TIMEOUT", "MAX_FRAME_SIZE",
    ];

    private static readonly string[] BadValues =
    [
        "10.0.0.0/33", "300.1.1.1", "::ffff:1.2.3.4/90", "1.2.3", "abc", "-1", "99999999999", "1e5", "10/fortnight",
        "maybe", "\"unterminated", "'also unterminated", "\u0000\u0001\u0002", "g" + new string('0', 63),
        new string('a', 63), new string('a', 65), "::1/129", "fe80::1%eth0", "1.2.3.4/", "/8", "${UNSET}", "\\",
    ];

    public string Seed() =>
        "# seed\nENABLE_P2P_SECURITY=true\nMAX_CONNECTIONS_PER_IP=5\nCONNECTION_RATE_LIMIT=20/min\n" +
        "MESSAGE_RATE_LIMIT=10/s\nALLOWED_NODE_KEYS=\"" + Key() + ",\n" + Key() + "\"\nBLOCKED_NODE_KEYS=" + Key() + "\n" +
        "BLOCKED_IP_ADDRESSES=10.0.0.0/8, 192.0.2.7 2001:db8::/32\nOTHER_APP_SETTING=keep me # comment\n";

    /// <summary>One mutated file; which mutation is chosen by the seed.</summary>
    public byte[] Next()
    {
        var text = Seed();
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            text = Mutate(text);
        }
        return _random.Next(20) == 0 ? Garbage() : Encoding.UTF8.GetBytes(text);
    }

    private string Mutate(string text) => _random.Next(12) switch
    {
        0 => text[.._random.Next(text.Length + 1)],                                     // truncated
        1 => Insert(text, BadValues[_random.Next(BadValues.Length)]),                   // bad token anywhere
        2 => text + $"\n{Keys[_random.Next(Keys.Length)]}={BadValues[_random.Next(BadValues.Length)]}\n", // bad value
        3 => text + $"\n{Keys[_random.Next(Keys.Length)]}={new string('x', 200_000 + _random.Next(800_000))}\n", // huge line
        4 => text + $"\n{Keys[_random.Next(Keys.Length)]}=\"" + Key(),                 // unterminated quote
        5 => text + $"\nMAX_CONNECTIONS_PER_IP={_random.Next(1, 50)}\n",              // duplicate key
        6 => text + "\nBLOCKED_IP_ADDRESSES=\"" + BigIpList(ListSize()) + "\"\n", // large list
        7 => text + "\nALLOWED_NODE_KEYS=" + BigKeyList(ListSize()) + "\n",     // large key list
        8 => FlipBytes(text),
        9 => text.Replace("\n", _random.Next(2) == 0 ? "\r\n" : "\r", StringComparison.Ordinal),
        10 => text + "\n" + Keys[_random.Next(Keys.Length)][..^1] + "=1\n",            // near-miss key
        _ => DeleteRange(text),
    };

    /// <summary>Mostly lists of hundreds of entries; one in ten has 100,000 (they cost ~100 ms each to load).</summary>
    private int ListSize() => _random.Next(10) == 0 ? 100_000 : _random.Next(100, 2_000);

    private string Insert(string text, string token)
    {
        var at = _random.Next(text.Length + 1);
        return text[..at] + token + text[at..];
    }

    private string FlipBytes(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < 1 + _random.Next(8) && chars.Length > 0; i++)
        {
            chars[_random.Next(chars.Length)] = (char)_random.Next(0, 128);
        }
        return new string(chars);
    }

    private string DeleteRange(string text)
    {
        if (text.Length < 2)
        {
            return text;
        }
        var start = _random.Next(text.Length);
        var length = _random.Next(Math.Min(40, text.Length - start) + 1);
        return text.Remove(start, length);
    }

    private byte[] Garbage()
    {
        var bytes = new byte[_random.Next(1, 4096)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Key()
    {
        Span<byte> bytes = stackalloc byte[32];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private string BigKeyList(int count)
    {
        var sb = new StringBuilder(count * 66);
        for (var i = 0; i < count; i++)
        {
            sb.Append(Key()).Append(',');
        }
        return sb.ToString();
    }

    private string BigIpList(int count)
    {
        var sb = new StringBuilder(count * 20);
        for (var i = 0; i < count; i++)
        {
            sb.Append(_random.Next(1, 224)).Append('.').Append(_random.Next(256)).Append('.').Append(_random.Next(256)).Append('.');
            // Every seventh a /24 network, written without host bits (10.1.2.3/24 is an error, not a block).
            if (i % 7 == 0)
            {
                sb.Append("0/24");
            }
            else
            {
                sb.Append(_random.Next(256));
            }
            sb.Append(i % 3 == 0 ? "\n" : ", ");
        }
        return sb.ToString();
    }
}
