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
            var original = (IRecordEvent)Activator.CreateInstance(type, Guid.CreateVersion7(), "nl", "operations/argus/arrests/1", 3, "H2", now)!;

            var row = RecordEventFactory.ToOutbox(original, "be", now);
            var back = RecordEventFactory.FromOutbox(row, out var backType);

            Assert.Equal(type, backType);
            Assert.Equal(original, back);
            Assert.Equal(original.EventId, row.MessageId);
            Assert.Equal("be", row.RoutingKey);
            // Identifiers and metadata only: nothing else travels in an event.
            using var body = System.Text.Json.JsonDocument.Parse(row.Body);
            Assert.Equal(["eventId", "handlingCode", "occurredAt", "owner", "record", "version"],
                body.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }
}
