using System.Diagnostics;

namespace P2PSecurity.Core.Tests.TestSupport;

internal static class Poll
{
    /// <summary>
    /// Polls a condition at short intervals until it holds or the deadline passes. Only for conditions with no event
    /// to wait on: the file system's clock and the racy-clean re-read interval.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }
        return true;
    }
}
