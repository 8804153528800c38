using System.Buffers;

namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// Splits an env file into assignments with their line numbers and exact value spans.
/// </summary>
/// <remarks>
/// DotNetEnv decides what a value means (quoting, escapes, inline comments): every assignment is handed to it on
/// its own, so one bad line is reported with its line number instead of failing the whole file. The one exception
/// is a large value with nothing for DotNetEnv to interpret or reject (no backslash, no '$', no control character,
/// and unquoted: no quote and no whitespace but space and tab): DotNetEnv's combinator parser needs about 800 ms for
/// a 6.6 MB list of 100,000 keys, while the value it returns is exactly the characters between the quotes (or the
/// trimmed unquoted text). Those values are taken directly; a differential test checks that both paths agree.
/// The line grammar (command prefixes, key characters, inline whitespace, line ends) follows DotNetEnv's.
/// </remarks>
public static class EnvFileParser
{
    /// <summary>Raw values at least this long, with nothing to interpret, skip DotNetEnv.</summary>
    internal const int FastPathThreshold = 4 * 1024;

    /// <summary>After this many errors the rest are summarised in one line (a binary file would give thousands).</summary>
    internal const int MaxErrors = 50;

    /// <summary>Parses <paramref name="text"/>; never throws for any input.</summary>
    public static EnvDocument Parse(string text)
    {
        var scanner = new EnvScanner(text);
        scanner.Run();
        return new EnvDocument(text, scanner.Assignments, scanner.Errors);
    }

    /// <summary>
    /// Characters that keep an unquoted value off the fast path: '$' and '\\' (DotNetEnv interprets them), quotes,
    /// and every control or whitespace character but space and tab (DotNetEnv rejects them).
    /// </summary>
    internal static readonly SearchValues<char> NotPlainUnquoted = CharsWhere(c =>
        c is '$' or '\\' or '"' or '\'' || (c is not (' ' or '\t') && (char.IsControl(c) || char.IsWhiteSpace(c))));

    /// <summary>Characters DotNetEnv rejects between quotes: controls that are not whitespace.</summary>
    internal static readonly SearchValues<char> RejectedInQuotes = CharsWhere(c => char.IsControl(c) && !char.IsWhiteSpace(c));

    private static SearchValues<char> CharsWhere(Func<char, bool> predicate)
    {
        var chars = new List<char>();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (predicate((char)c))
            {
                chars.Add((char)c);
            }
        }
        return SearchValues.Create(chars.ToArray());
    }

    internal static readonly string[] CommandPrefixes = ["export", "set -x", "set", "SET"];

    /// <summary>
    /// DotNetEnv's (Sprache's) error without what follows the reason: "(Line 1, Column 9)" counts in the single line
    /// handed to it, and "recently consumed: ..." repeats the value, which may be a secret. For a key that looks
    /// secret even the unexpected character is left out.
    /// </summary>
    internal static string Reason(string key, string message)
    {
        if (IsSecretLike(key))
        {
            return "details hidden because the value looks secret; check its quoting";
        }
        var reason = message.Split('\n')[0];
        if (reason.StartsWith("Parsing failure: ", StringComparison.Ordinal))
        {
            reason = reason["Parsing failure: ".Length..];
        }
        var position = reason.IndexOf(" (Line ", StringComparison.Ordinal);
        if (position >= 0)
        {
            reason = reason[..position];
        }
        return Shorten(reason);
    }

    /// <summary>Keys whose values must not be echoed in errors: ours and the usual secrets of programs that share the file.</summary>
    internal static bool IsSecretLike(string key)
    {
        foreach (var word in SecretWords)
        {
            if (key.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] SecretWords = ["SECRET", "PASSWORD", "PASSWD", "TOKEN", "PRIVATE", "CREDENTIAL", "API_KEY", "APIKEY"];

    /// <summary>Names a character so that control characters and binary garbage print safely.</summary>
    internal static string Describe(char c) =>
        c < ' ' || c == '\u007f' || char.IsSurrogate(c) || c == '\uFFFD'
            ? $"character U+{(int)c:X4}"
            : $"'{c}'";

    internal static string Shorten(string s) => s.Length <= 60 ? Logging.LogText.Escape(s) : Logging.LogText.Escape(s[..57]) + "...";

    /// <summary>
    /// Cuts a value for a diagnostic without escaping it (the diagnostic escapes when it prints). Long enough for a
    /// node key in any accepted form (sha256: prefix and colons: 102 characters).
    /// </summary>
    internal static string Truncate(string s) => s.Length <= 120 ? s : s[..117] + "...";
}
