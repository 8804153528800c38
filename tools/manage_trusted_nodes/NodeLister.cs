using System.Text;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>Lists the file's three lists in file order with labels. The file's view; the server's is reload_security status.</summary>
internal sealed class NodeLister(ToolContext context)
{
    public int Run()
    {
        // The shared reader: whether the file exists is what the read found, not a look taken before it.
        var bytes = EnvFileReader.Read(context.EnvFile, out var exists, out var readError);
        if (exists && bytes is null)
        {
            throw new ToolException(ExitCodes.IoError, $"cannot read {context.EnvFile}: {readError}");
        }
        string text;
        try
        {
            text = bytes is null ? string.Empty : new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ToolException(ExitCodes.InvalidPolicy, $"cannot read {context.EnvFile}: {ex.Message}");
        }
        var loaded = PolicyFileText.Validate(text, context.EnvFile);
        var document = EnvFileParser.Parse(text);
        var labels = EntryLabels.Read(text);
        List<ListEntryOutput> Entries(PolicyList list) =>
            [.. PolicyListEntries.InFileOrder(document, list).Select(e => new ListEntryOutput { Entry = e, Label = labels.GetValueOrDefault(e) })];
        var output = new ListOutput
        {
            Ok = loaded.IsValid,
            File = context.EnvFile,
            Exists = exists,
            Mode = loaded.Policy?.ModeDescription ?? "invalid file",
            AllowedNodeKeys = Entries(PolicyList.AllowedNodeKeys),
            BlockedNodeKeys = Entries(PolicyList.BlockedNodeKeys),
            BlockedIpAddresses = Entries(PolicyList.BlockedIpAddresses),
            Diagnostics = [.. loaded.Diagnostics.Select(DiagnosticInfo.From)],
        };
        var code = loaded.IsValid ? ExitCodes.Success : ExitCodes.InvalidPolicy;
        if (context.Json)
        {
            context.WriteJson(output, j => j.ListOutput);
            return code;
        }
        var o = context.Out;
        o.WriteLine(exists ? $"{output.File}: {output.Mode}" : $"{output.File}: does not exist (embedded defaults: {output.Mode})");
        Print(o, PolicyKeys.AllowedNodeKeys, output.AllowedNodeKeys);
        Print(o, PolicyKeys.BlockedNodeKeys, output.BlockedNodeKeys);
        Print(o, PolicyKeys.BlockedIpAddresses, output.BlockedIpAddresses);
        foreach (var d in output.Diagnostics)
        {
            (d.IsError ? context.Err : o).WriteLine($"{d.Severity}: {d.Text}");
        }
        return code;
    }

    private static void Print(TextWriter o, string key, List<ListEntryOutput> entries)
    {
        o.WriteLine($"{key} ({entries.Count})");
        foreach (var e in entries)
        {
            o.WriteLine(e.Label is null ? $"  {e.Entry}" : $"  {e.Entry}  {e.Label}");
        }
    }
}
