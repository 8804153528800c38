using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using static P2PSecurity.Core.Control.ControlProtocol;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Answers <c>ban</c>, <c>unban</c> and <c>bans</c>. The server owns the state database (one writer), so the tools
/// change bans only through here; a ban is answered once it is stored durably and in force.
/// </summary>
internal sealed class BanRequests(BanList? bans)
{
    /// <summary>The default length of an operator ban, as Bitcoin Core's <c>setban</c>.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(24);

    public const int MaxReasonLength = 200;

    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(4);

    public ControlResponse Ban(ControlRequest request)
    {
        if (bans is null)
        {
            return NoBans(request);
        }
        if (!BanTarget.TryParse(request.Target, out var target, out var error))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
        }
        TimeSpan? duration = DefaultDuration;
        if (request.Duration is { } text && !BanDuration.TryParse(text, out duration, out error))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
        }
        var reason = (request.Reason ?? string.Empty).Trim();
        if (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument,
                $"a ban reason is one line of printable text, at most {MaxReasonLength} characters");
        }
        var outcome = Wait(bans.BanAsync(target, duration, reason.Length == 0 ? "operator" : reason));
        if (outcome.Status == BanOutcomeStatus.Full)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.BanTableFull,
                $"cannot ban {target}: MAX_BANS ({bans.Settings.MaxBans:N0}) bans are held and all are operator bans, which are never dropped; unban some or raise MAX_BANS");
        }
        return Change(request, outcome, bans.NowMs);
    }

    public ControlResponse Unban(ControlRequest request)
    {
        if (bans is null)
        {
            return NoBans(request);
        }
        if (!BanTarget.TryParse(request.Target, out var target, out var error))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
        }
        return Change(request, Wait(bans.UnbanAsync(target)), bans.NowMs);
    }

    public ControlResponse List(ControlRequest request)
    {
        if (bans is null)
        {
            return NoBans(request);
        }
        var now = bans.NowMs;
        var active = bans.Current.Bans.Where(b => b.IsActive(now)).ToList();
        var info = new BansInfo
        {
            Total = active.Count,
            Truncated = active.Count > MaxBansListed,
            BySource = BySource(active),
            MaxBans = bans.Settings.MaxBans,
            Now = DateTimeOffset.FromUnixTimeMilliseconds(now),
            Bans = [.. active.OrderByDescending(b => b.MadeAtMs).ThenBy(b => b.Target.ToString(), StringComparer.Ordinal)
                .Take(MaxBansListed).Select(b => BanInfo.From(b, now))],
        };
        return new ControlResponse { Ok = true, Type = request.Type, Bans = info };
    }

    /// <summary>The bans part of <c>status</c>.</summary>
    public BanCountsInfo? Counts(string? database)
    {
        if (bans is null)
        {
            return null;
        }
        var now = bans.NowMs;
        var active = bans.Current.Bans.Where(b => b.IsActive(now)).ToList();
        var settings = bans.Settings;
        return new BanCountsInfo
        {
            Active = active.Count,
            BySource = BySource(active),
            MaxBans = settings.MaxBans,
            AutoBan = settings.Mode.ToString().ToLowerInvariant(),
            Offenders = bans.Strikes.Count,
            Database = database,
        };
    }

    private static Dictionary<string, int> BySource(List<Ban> active)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [BanSource.Operator.Name()] = 0,
            [BanSource.Automatic.Name()] = 0,
        };
        foreach (var ban in active)
        {
            counts[ban.Source.Name()]++;
        }
        return counts;
    }

    private static ControlResponse Change(ControlRequest request, BanOutcome outcome, long now) => new()
    {
        Ok = true,
        Type = request.Type,
        Ban = new BanChangeInfo
        {
            Outcome = outcome.Status switch
            {
                BanOutcomeStatus.Added => "added",
                BanOutcomeStatus.Updated => "updated",
                BanOutcomeStatus.Removed => "removed",
                _ => "not_found",
            },
            Ban = outcome.Ban is { } b ? BanInfo.From(b, now) : null,
            Displaced = outcome.Displaced is { } d ? BanInfo.From(d, now) : null,
            SessionsClosed = outcome.SessionsClosed,
        },
    };

    /// <summary>
    /// Waits for the ban writer. The control channel answers requests synchronously on a worker of its own (at most
    /// eight at once), and the writer runs on its own thread, so this cannot deadlock; the bound keeps a stuck disk
    /// from holding the request past the client's timeout.
    /// </summary>
    private static BanOutcome Wait(Task<BanOutcome> change)
    {
        try
        {
            if (!change.Wait(AnswerBound))
            {
                throw new BanStoreException($"the state database did not confirm the change within {AnswerBound.TotalSeconds:0} s; it may still be applied");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is BanStoreException store)
        {
            throw store;
        }
        return change.Result;
    }

    /// <summary>A store failure is answered with its message (a path and the reason, nothing secret): nothing was changed.</summary>
    public static ControlResponse Guard(ControlRequest request, Func<ControlRequest, ControlResponse> answer)
    {
        try
        {
            return answer(request);
        }
        catch (BanStoreException ex)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InternalError, "the ban was not changed: " + ex.Message);
        }
    }

    private static ControlResponse NoBans(ControlRequest request) =>
        ControlResponse.Failure(request.Type, ErrorCodes.InternalError, "this server keeps no bans (no state database)");
}
