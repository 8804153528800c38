namespace P2PSecurity.Core.Gate;

/// <summary>
/// The terms a Welcome states, read from the same policy snapshot as the decision that welcomed the peer, so that a
/// reload between the decision and the message cannot mix two policies in one answer.
/// </summary>
/// <param name="Proof">This node's answer to the peer's challenge, with the key the peer proved; null when none is due.</param>
public readonly record struct WelcomeTerms(int MaxFrameSize, int MessageRateCount, int MessageRatePeriodSeconds, byte[]? Proof);
