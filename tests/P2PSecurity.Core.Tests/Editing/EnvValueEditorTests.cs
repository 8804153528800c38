using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Tests.Editing;

public sealed class EnvValueEditorTests
{
    [Fact]
    public void Set_ExistingKey_ReplacesOnlyTheValue()
    {
        const string Text = "# a\r\nNETWORK_SECRET_KEY='old-value' # comment\r\nX=1\r\n";

        Assert.Equal("# a\r\nNETWORK_SECRET_KEY=new-value-123 # comment\r\nX=1\r\n", EnvValueEditor.Set(Text, "NETWORK_SECRET_KEY", "new-value-123"));
    }

    [Fact]
    public void Set_MissingKey_AppendsALineWithTheFilesNewline()
    {
        Assert.Equal("X=1\r\nK=v\r\n", EnvValueEditor.Set("X=1\r\n", "K", "v"));
        Assert.Equal("X=1\nK=v\n", EnvValueEditor.Set("X=1", "K", "v"));
    }

    [Fact]
    public void Set_KeyGivenTwice_KeepsOnlyTheLastOneEdited()
    {
        Assert.Equal("X=1\nK=new\n", EnvValueEditor.Set("K=first\nX=1\nK=second\n", "K", "new"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("quote\"")]
    [InlineData("hash#")]
    [InlineData("dollar$")]
    [InlineData("")]
    public void Set_ValueThatDoesNotReadBackBare_IsRefused(string value)
    {
        Assert.Throws<ArgumentException>(() => EnvValueEditor.Set("X=1\n", "K", value));
    }

    [Fact]
    public void Remove_EveryAssignment_RemovesTheirLines()
    {
        Assert.Equal("# c\nX=1\n", EnvValueEditor.Remove("# c\nK=a\nX=1\nK=\"b\" # two\n", "K"));
    }
}
