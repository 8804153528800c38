using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Editing;

public sealed class EnvListEditorTests
{
    private static readonly string KeyA = new('a', 64);
    private static readonly string KeyB = new('b', 64);
    private static readonly string KeyC = new('c', 64);

    [Fact]
    public void Add_CommaList_ChangesOnlyTheListAndKeepsEveryOtherByte()
    {
        var text = "# P2P policy\n\nFUTURE_SETTING='kept as is'   # unknown key\nALLOWED_NODE_KEYS=" + KeyA + ", " + KeyB +
                   "   # trusted peers\n\n# limits\nMAX_CONNECTIONS_PER_IP=3\n";

        var edit = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyC);

        Assert.Equal(EditOutcome.Added, edit.Outcome);
        Assert.Equal(text.Replace(KeyB + "   #", KeyB + ", " + KeyC + "   #", StringComparison.Ordinal), edit.Text);
    }

    [Fact]
    public void Add_KeyWrittenInUpperCaseWithColons_IsAlreadyPresentAndTextUnchanged()
    {
        var text = "ALLOWED_NODE_KEYS=" + KeyA + "\n";
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(_ => "AA"));
        Assert.True(ListEntry.TryNormalize(PolicyList.AllowedNodeKeys, "sha256:" + colons, out var canonical, out _));

        var edit = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, canonical);

        Assert.Equal(EditOutcome.AlreadyPresent, edit.Outcome);
        Assert.Same(text, edit.Text);
    }

    [Fact]
    public void Add_MultiLineQuotedList_PutsTheEntryOnItsOwnLineWithTheSameIndentation()
    {
        var text = "BLOCKED_NODE_KEYS=\"\n    " + KeyA + ",\n    " + KeyB + "\n\"\nPORT=1\n";

        var edit = EnvListEditor.Add(text, PolicyList.BlockedNodeKeys, KeyC);

        Assert.Equal("BLOCKED_NODE_KEYS=\"\n    " + KeyA + ",\n    " + KeyB + ",\n    " + KeyC + "\n\"\nPORT=1\n", edit.Text);
        Assert.Equal(3, PolicyLoader.Load(edit.Text, null).Policy!.BlockedNodeKeys.Count);
    }

    [Fact]
    public void Add_SingleEntryMultiLineList_UsesNewlineAndIndentation()
    {
        var text = "ALLOWED_NODE_KEYS='\n  " + KeyA + "\n'\n";

        var edit = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyB);

        Assert.Equal("ALLOWED_NODE_KEYS='\n  " + KeyA + "\n  " + KeyB + "\n'\n", edit.Text);
    }

    [Fact]
    public void Add_CrlfFile_KeepsCrlfEverywhere()
    {
        var text = "# crlf\r\nBLOCKED_IP_ADDRESSES=\"\r\n  10.0.0.0/8\r\n  192.0.2.1\r\n\"\r\nX=1\r\n";

        var added = EnvListEditor.Add(text, PolicyList.BlockedIpAddresses, "203.0.113.0/24");
        var appended = EnvListEditor.Add(added.Text, PolicyList.AllowedNodeKeys, KeyA, "peer one");

        Assert.Equal("# crlf\r\nBLOCKED_IP_ADDRESSES=\"\r\n  10.0.0.0/8\r\n  192.0.2.1\r\n  203.0.113.0/24\r\n\"\r\nX=1\r\n" +
                     "# label " + KeyA + ": peer one\r\nALLOWED_NODE_KEYS=" + KeyA + "\r\n", appended.Text);
        Assert.DoesNotContain("\n", appended.Text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Add_KeyAbsentAndNoFinalNewline_AppendsOnANewLine()
    {
        var edit = EnvListEditor.Add("PORT=9828", PolicyList.BlockedIpAddresses, "10.0.0.0/8");

        Assert.Equal("PORT=9828\nBLOCKED_IP_ADDRESSES=10.0.0.0/8\n", edit.Text);
    }

    [Theory]
    [InlineData("ALLOWED_NODE_KEYS=\n", "ALLOWED_NODE_KEYS=@\n")]
    [InlineData("ALLOWED_NODE_KEYS=   # none yet\n", "ALLOWED_NODE_KEYS=   @ # none yet\n")]
    [InlineData("ALLOWED_NODE_KEYS=\"\"\n", "ALLOWED_NODE_KEYS=\"@\"\n")]
    [InlineData("ALLOWED_NODE_KEYS=\"\n\"\n", "ALLOWED_NODE_KEYS=\"\n@\n\"\n")]
    public void Add_EmptyValue_InsertsWithoutDisturbingComments(string before, string expected)
    {
        var edit = EnvListEditor.Add(before, PolicyList.AllowedNodeKeys, KeyA);

        Assert.Equal(expected.Replace("@", KeyA, StringComparison.Ordinal), edit.Text);
        Assert.Equal([NodeKey.Parse(KeyA)], PolicyLoader.Load(edit.Text, null).Policy!.AllowedNodeKeys);
    }

    [Theory]
    [InlineData("K=a,b,c\n", "b", "K=a,c\n")]
    [InlineData("K=a,b,c\n", "a", "K=b,c\n")]
    [InlineData("K=a, b, c # note\n", "c", "K=a, b # note\n")]
    [InlineData("K=\"\n  a,\n  b,\n  c\n\"\n", "b", "K=\"\n  a,\n  c\n\"\n")]
    [InlineData("K=\"\n  a\n  b\n\"\n", "a", "K=\"\n  b\n\"\n")]
    [InlineData("K=a,b,a\n", "a", "K=b\n")]
    [InlineData("K=\"a\"\n", "a", "K=\"\"\n")]
    [InlineData("K=a\n", "a", "K=\n")]
    public void Remove_Entry_TakesOneSeparatorAndNothingElse(string before, string entry, string expected)
    {
        var keys = new Dictionary<string, string> { ["a"] = KeyA, ["b"] = KeyB, ["c"] = KeyC };
        string Expand(string s) => s.Replace("K=", "ALLOWED_NODE_KEYS=", StringComparison.Ordinal)
            .Replace("a", "\u0001", StringComparison.Ordinal).Replace("b", "\u0002", StringComparison.Ordinal).Replace("c", "\u0003", StringComparison.Ordinal)
            .Replace("\u0001", KeyA, StringComparison.Ordinal).Replace("\u0002", KeyB, StringComparison.Ordinal).Replace("\u0003", KeyC, StringComparison.Ordinal);
        var text = Expand(before);

        var edit = EnvListEditor.Remove(text, PolicyList.AllowedNodeKeys, keys[entry]);

        Assert.Equal(EditOutcome.Removed, edit.Outcome);
        Assert.Equal(Expand(expected), edit.Text);
        Assert.NotNull(PolicyLoader.Load(edit.Text, null).Policy);
    }

    [Fact]
    public void Remove_Absent_IsNotPresentAndTextUnchanged()
    {
        var text = "ALLOWED_NODE_KEYS=" + KeyA + "\n";

        Assert.Equal(EditOutcome.NotPresent, EnvListEditor.Remove(text, PolicyList.AllowedNodeKeys, KeyB).Outcome);
        Assert.Equal(EditOutcome.NotPresent, EnvListEditor.Remove(text, PolicyList.BlockedNodeKeys, KeyA).Outcome);
        Assert.Same(text, EnvListEditor.Remove(text, PolicyList.AllowedNodeKeys, KeyB).Text);
    }

    [Fact]
    public void Edit_KeyGivenTwice_EditsOnlyTheLastAssignment()
    {
        var text = "ALLOWED_NODE_KEYS=" + KeyA + "\nALLOWED_NODE_KEYS=" + KeyB + "\n";

        var added = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyA);

        Assert.Equal(EditOutcome.Added, added.Outcome);
        Assert.Equal("ALLOWED_NODE_KEYS=" + KeyA + "\nALLOWED_NODE_KEYS=" + KeyB + "," + KeyA + "\n", added.Text);
    }

    [Theory]
    [InlineData("# head\nALLOWED_NODE_KEYS=@A, @B # c\nX=1\n")]
    [InlineData("ALLOWED_NODE_KEYS=\"\r\n\t@A,\r\n\t@B\r\n\"\r\n")]
    [InlineData("export ALLOWED_NODE_KEYS='@A @B'\n")]
    [InlineData("\uFEFFALLOWED_NODE_KEYS=@A,@B,")]
    public void AddThenRemove_RestoresTheOriginalTextExactly(string template)
    {
        var text = template.Replace("@A", KeyA, StringComparison.Ordinal).Replace("@B", KeyB, StringComparison.Ordinal);

        var added = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyC);
        var removed = EnvListEditor.Remove(added.Text, PolicyList.AllowedNodeKeys, KeyC);

        Assert.Equal(EditOutcome.Added, added.Outcome);
        Assert.Contains(NodeKey.Parse(KeyC), (IEnumerable<NodeKey>)PolicyLoader.Load(added.Text, null).Policy!.AllowedNodeKeys);
        Assert.Equal(text, removed.Text);
    }

    [Fact]
    public void Add_WithLabel_WritesACommentAboveTheListThatDotNetEnvIgnores()
    {
        var text = "# peers\nALLOWED_NODE_KEYS=" + KeyA + "\n";

        var edit = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyB, "rack 4, node 2");

        Assert.Equal("# peers\n# label " + KeyB + ": rack 4, node 2\nALLOWED_NODE_KEYS=" + KeyA + "," + KeyB + "\n", edit.Text);
        Assert.Equal("rack 4, node 2", EntryLabels.Read(edit.Text)[KeyB]);
        var pairs = DotNetEnv.Env.LoadContents(edit.Text, DotNetEnv.Env.NoEnvVars()).ToList();
        Assert.Equal([("ALLOWED_NODE_KEYS", KeyA + "," + KeyB)], pairs.Select(p => (p.Key, p.Value)));
    }

    [Fact]
    public void Add_WithLabelToAFileStartingWithAByteOrderMark_KeepsTheMarkFirst()
    {
        var text = "\uFEFFALLOWED_NODE_KEYS=" + KeyA + "\n";

        var edit = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyB, "second");

        Assert.Equal("\uFEFF# label " + KeyB + ": second\nALLOWED_NODE_KEYS=" + KeyA + "," + KeyB + "\n", edit.Text);
        Assert.Equal(2, PolicyLoader.Load(edit.Text, null).Policy!.AllowedNodeKeys.Count);
    }

    [Fact]
    public void Add_PresentKeyWithNewLabel_UpdatesTheLabelOnly()
    {
        var text = "# label " + KeyA + ": old\nALLOWED_NODE_KEYS=" + KeyA + "\n";

        var same = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyA, "old");
        var updated = EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyA, "new");

        Assert.Equal(EditOutcome.AlreadyPresent, same.Outcome);
        Assert.Equal(EditOutcome.LabelUpdated, updated.Outcome);
        Assert.Equal("# label " + KeyA + ": new\nALLOWED_NODE_KEYS=" + KeyA + "\n", updated.Text);
    }

    [Fact]
    public void Remove_LabelledEntry_DropsTheLabelUnlessAnotherListStillNamesIt()
    {
        var text = "# label " + KeyA + ": peer\nALLOWED_NODE_KEYS=" + KeyA + "," + KeyB + "\nBLOCKED_NODE_KEYS=" + KeyA + "\n";

        var fromAllowed = EnvListEditor.Remove(text, PolicyList.AllowedNodeKeys, KeyA);
        var fromBoth = EnvListEditor.Remove(fromAllowed.Text, PolicyList.BlockedNodeKeys, KeyA);

        Assert.Contains("# label " + KeyA + ": peer\n", fromAllowed.Text, StringComparison.Ordinal);
        Assert.Equal("ALLOWED_NODE_KEYS=" + KeyB + "\nBLOCKED_NODE_KEYS=\n", fromBoth.Text);
    }

    [Theory]
    [InlineData("ALLOWED_NODE_KEYS=\"@A\\n@B\"\n")]
    [InlineData("ALLOWED_NODE_KEYS=\"$OTHER,@A\"\n")]
    public void Add_ValueThatDotNetEnvInterprets_IsRefusedWithTheLine(string template)
    {
        var text = "# x\n" + template.Replace("@A", KeyA, StringComparison.Ordinal).Replace("@B", KeyB, StringComparison.Ordinal);

        var ex = Assert.Throws<PolicyEditException>(() => EnvListEditor.Add(text, PolicyList.AllowedNodeKeys, KeyC));

        Assert.Equal(PolicyEditFailure.UnsupportedSyntax, ex.Failure);
        Assert.StartsWith("ALLOWED_NODE_KEYS line 2 uses escapes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PolicyList.AllowedNodeKeys, "abc", "a node key is 64 hex digits (SHA-256), found 3")]
    [InlineData(PolicyList.BlockedIpAddresses, "10.0.0.0/33", "is not a valid CIDR (IPv4 prefix is 0-32)")]
    [InlineData(PolicyList.BlockedIpAddresses, "10.0.0", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)")]
    [InlineData(PolicyList.BlockedIpAddresses, "10.1.2.3/8", "has host bits set below its /8 prefix: did you mean 10.0.0.0/8 or 10.1.2.3/32?")]
    public void TryNormalize_MalformedEntry_GivesTheParsersReason(PolicyList list, string input, string reason)
    {
        Assert.False(ListEntry.TryNormalize(list, input, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:DB8:0:0::/32", "2001:db8::/32")]
    public void TryNormalize_Address_GivesTheCanonicalForm(string input, string canonical)
    {
        Assert.True(ListEntry.TryNormalize(PolicyList.BlockedIpAddresses, input, out var result, out _));
        Assert.Equal(canonical, result);
    }
}
