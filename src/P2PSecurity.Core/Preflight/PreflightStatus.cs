using System.Text.Json.Serialization;

namespace P2PSecurity.Core.Preflight;

/// <summary>How one preflight check ended: printed <c>[OK]</c>, <c>[WARN]</c> or <c>[ERR]</c>; <c>ok</c>, <c>warn</c>, <c>err</c> in JSON.</summary>
public enum PreflightStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    [JsonStringEnumMemberName("warn")]
    Warn,

    [JsonStringEnumMemberName("err")]
    Err,
}
