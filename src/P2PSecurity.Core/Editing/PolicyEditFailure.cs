namespace P2PSecurity.Core.Editing;

/// <summary>Why an edit was refused; the tools map each kind to an exit code.</summary>
public enum PolicyEditFailure
{
    /// <summary>The key, address or label given is malformed.</summary>
    InvalidEntry,

    /// <summary>The file is not a valid policy before or after the edit; nothing was written.</summary>
    InvalidPolicy,

    /// <summary>The value is written in a way the editor will not touch byte by byte (escapes, '$').</summary>
    UnsupportedSyntax,

    /// <summary>The file or its lock could not be read or written.</summary>
    Io,

    /// <summary>
    /// The edit would empty a non-empty allow list, turning whitelist mode off and admitting any authenticated node;
    /// refused unless asked for on purpose.
    /// </summary>
    WouldOpenNetwork,

    /// <summary>The file changed since the caller read it (a whole-file rewrite with a base hash); nothing was written.</summary>
    Conflict,
}
