using System.Text;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Tests.Editing;

public sealed class EntryLabelsTests
{
    private const string KeyA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string KeyB = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

    public static TheoryData<string> Files =>
    [
        "",
        $"# label {KeyA}: rack 4\nALLOWED_NODE_KEYS={KeyA}\n",
        $"# label {KeyA}: rack 4\r\n  #   label   {KeyB.ToUpperInvariant()}:  spare one  \r\nALLOWED_NODE_KEYS={KeyA},{KeyB}\r\n",
        $"# label {KeyA}: first\n# label {KeyA}: second wins\n",
        $"# a label is a comment\n# label {KeyA}: the label of label\nNOTE=label {KeyB}: not a comment\n#label{KeyA}: no space\n# labels {KeyA}: wrong word\n",
        $"# label 203.0.113.0/24: office\n# label {KeyA}: grüße, 東京\n# label not-a-key: dropped\n# label {KeyB}:no space after the colon\n",
        $"\uFEFF# label {KeyA}: after a byte order mark\n",
        $"ALLOWED_NODE_KEYS=\"\n{KeyA}\n{KeyB}\n\"\n# label {KeyB}: at the end, no newline",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadUtf8_AnyFile_SameLabelsAsReadOfItsText(string text)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);

        var fromBytes = EntryLabels.ReadUtf8(bytes);

        Assert.Equal(EntryLabels.Read(text.TrimStart('\uFEFF')).OrderBy(l => l.Key), fromBytes.OrderBy(l => l.Key));
    }

    [Fact]
    public void ReadUtf8_ByteOrderMarkAndCrLf_LabelsParsed()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"# label {KeyA}: rack 4\r\n# label {KeyB}: spare\r\n")).ToArray();

        var labels = EntryLabels.ReadUtf8(bytes);

        Assert.Equal("rack 4", labels[KeyA]);
        Assert.Equal("spare", labels[KeyB]);
    }
}
