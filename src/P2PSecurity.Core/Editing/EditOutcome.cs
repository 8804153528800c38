namespace P2PSecurity.Core.Editing;

/// <summary>What an edit did to a list.</summary>
public enum EditOutcome
{
    Added,
    AlreadyPresent,
    LabelUpdated,
    Removed,
    NotPresent,
}

/// <summary>Stable lower-case names for tool output.</summary>
public static class EditOutcomeNames
{
    public static string Code(this EditOutcome outcome) => outcome switch
    {
        EditOutcome.Added => "added",
        EditOutcome.AlreadyPresent => "already_present",
        EditOutcome.LabelUpdated => "label_updated",
        EditOutcome.Removed => "removed",
        EditOutcome.NotPresent => "not_present",
        _ => "unknown",
    };

    /// <summary>True when the file's text changed.</summary>
    public static bool ChangesFile(this EditOutcome outcome) => outcome is EditOutcome.Added or EditOutcome.LabelUpdated or EditOutcome.Removed;
}
