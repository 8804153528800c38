// Test tiers (issue 9): the tools' tests run the real tool processes against real servers: end to end.
[assembly: Trait("Tier", "EndToEnd")]
