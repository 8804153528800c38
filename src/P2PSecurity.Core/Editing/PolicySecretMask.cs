using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// A policy file's text as a page may show it: the values of the secrets written in it (NETWORK_SECRET_KEY,
/// NETWORK_SECRET_KEY_PREVIOUS) replaced by <see cref="Placeholder"/>. Text sent back with the placeholder still in
/// place gets the file's own value again (<see cref="Unmask"/>), so editing other lines never needs the secret.
/// </summary>
public static class PolicySecretMask
{
    public const string Placeholder = "<hidden>";

    private static readonly string[] SecretKeys = [PolicyKeys.NetworkSecretKey, PolicyKeys.NetworkSecretKeyPrevious];

    /// <summary><paramref name="text"/> with every assignment of a secret key showing <see cref="Placeholder"/> instead of its value.</summary>
    public static string Mask(string text) => Substitute(text, _ => Placeholder, a => a.Value.Length > 0);

    /// <summary>
    /// <paramref name="candidate"/> with each secret still showing <see cref="Placeholder"/> given back the raw value of
    /// the last assignment of that key in <paramref name="current"/>. Throws <see cref="PolicyEditException"/> when
    /// the file has no such value to give back.
    /// </summary>
    public static string Unmask(string candidate, string current)
    {
        var document = EnvFileParser.Parse(current);
        return Substitute(candidate, a =>
        {
            var original = document.Last(a.Key);
            return original is { Value.Length: > 0 }
                ? current.Substring(original.ValueStart, original.ValueLength)
                : throw new PolicyEditException(PolicyEditFailure.InvalidEntry,
                    $"line {a.Line}: {a.Key}={Placeholder} stands for the value in the file, but the file has no {a.Key}; set the key on the Network key page");
        }, a => a.Value == Placeholder);
    }

    private static string Substitute(string text, Func<EnvAssignment, string> replacement, Func<EnvAssignment, bool> applies)
    {
        var document = EnvFileParser.Parse(text);
        var hits = document.Assignments.Where(a => SecretKeys.Contains(a.Key, StringComparer.Ordinal) && applies(a)).OrderByDescending(a => a.ValueStart);
        foreach (var a in hits)
        {
            text = string.Concat(text.AsSpan(0, a.ValueStart), replacement(a), text.AsSpan(a.ValueStart + a.ValueLength));
        }
        return text;
    }
}
