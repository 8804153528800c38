using System.Diagnostics;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>Waiting for conditions that raise no event, by polling at short intervals up to a deadline.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls every 10 ms until the condition holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
            }
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
