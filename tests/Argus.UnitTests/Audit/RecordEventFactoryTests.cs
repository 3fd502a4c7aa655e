using Argus.Agency.Outbox;
using Argus.Events;

namespace Argus.UnitTests.Audit;

public sealed class RecordEventFactoryTests
{
    [Fact]
    public void Every_event_type_survives_the_outbox_round_trip()
    {
        var now = new DateTimeOffset(2021, 3, 9, 5, 0, 0, TimeSpan.Zero);
        foreach (var type in RecordEvents.All)
        {
            var original = Sample(type, now);

            var row = OutboxMessage.For(original, "be", now);
            var back = row.ReadEvent(out var backType);

            Assert.Equal(type, backType);
            Assert.Equal(original, back);
            Assert.Equal(original.EventId, row.MessageId);
            Assert.Equal("be", row.RoutingKey);
            // Identifiers and metadata, and for a record event the record as disclosed to a partner.
            using var body = System.Text.Json.JsonDocument.Parse(row.Body);
            string[] expected = original is IRecordEvent
                ? ["content", "eventId", "handlingCode", "occurredAt", "owner", "record", "version"]
                : original switch
                {
                    LookupFollowUpDecided => ["approved", "eventId", "occurredAt", "owner", "record", "requester"],
                    LogHeadSigned => ["certificatePem", "eventId", "hash", "occurredAt", "owner", "record", "sequence", "signature"],
                    _ => ["eventId", "occurredAt", "owner", "record", "requester"],
                };
            Assert.Equal(expected, body.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    private static IArgusEvent Sample(Type type, DateTimeOffset now) => type.Name switch
    {
        nameof(LookupFollowUpRequested) => new LookupFollowUpRequested(Guid.CreateVersion7(), "nl", "lookups/1/followUps/2", "be", now),
        nameof(LookupFollowUpDecided) => new LookupFollowUpDecided(Guid.CreateVersion7(), "nl", "lookups/1/followUps/2", "be", true, now),
        nameof(LogHeadSigned) => new LogHeadSigned(Guid.CreateVersion7(), "nl", "auditEntries/42", 42, new string('a', 64), "c2lnbmF0dXJl", "-----BEGIN CERTIFICATE-----", now),
        _ => (IArgusEvent)Activator.CreateInstance(type, Guid.CreateVersion7(), "nl", "operations/argus/arrests/1", 3, "H2", now, "{\"name\":\"operations/argus/arrests/1\"}")!,
    };
}
