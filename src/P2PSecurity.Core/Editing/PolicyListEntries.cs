using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Editing;

/// <summary>Reads the editable lists of a policy file in file order, with their labels, for listing.</summary>
public static class PolicyListEntries
{
    /// <summary>The canonical entries of <paramref name="list"/> in the order the file gives them, duplicates once.</summary>
    public static IReadOnlyList<string> InFileOrder(EnvDocument document, PolicyList list)
    {
        var assignment = document.Last(list.KeyName());
        if (assignment is null)
        {
            return [];
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var part in ListTokenizer.Split(assignment.Value))
        {
            var canonical = ListEntry.CanonicalOrNull(list, part) ?? part;
            if (seen.Add(canonical))
            {
                result.Add(canonical);
            }
        }
        return result;
    }
}
