package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.EmailVerificationRequested;
import io.emporium.proto.events.v1.IdentityEvent;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox relay and the idempotent consumers, seen through Kafka, PostgreSQL and the SMTP sink.
 */
@ExtendWith(TestPlatform.class)
class EventsIT {

  @Test
  void publishedEventsLeaveTheOutbox(Api api) throws Exception {
    String email = Accounts.uniqueEmail("outbox");
    api.post("/api/v1/auth/register", Accounts.registration(email, null));
    Accounts.mails(api, email, 1);
    Pool db = TestPlatform.db();
    long left = -1;
    for (int i = 0; i < 50 && left != 0; i++) {
      left =
          db.preparedQuery(
                  "SELECT count(*) FROM identity.outbox "
                      + "WHERE event_key = (SELECT id::text FROM identity.users WHERE email = $1)")
              .execute(Tuple.of(email))
              .await()
              .iterator()
              .next()
              .getLong(0);
      Thread.sleep(100);
    }
    assertThat(left).as("the code mailed from it must not rest in the database").isZero();
  }

  @Test
  void anEventDeliveredTwiceIsMailedOnce(Api api) throws Exception {
    String email = Accounts.uniqueEmail("twice");
    String eventId = UUID.randomUUID().toString();
    byte[] event =
        IdentityEvent.newBuilder()
            .setEventId(eventId)
            .setUserId(UUID.randomUUID().toString())
            .setOccurredAt(Instant.now().toString())
            .setEmailVerificationRequested(
                EmailVerificationRequested.newBuilder()
                    .setEmail(email)
                    .setFullName("Twice")
                    .setCode("424242")
                    .setExpiresAt(Instant.now().plusSeconds(900).toString()))
            .build()
            .toByteArray();
    PublishedEvents.publish(
        "identity.events", "twice", "EmailVerificationRequested", event, List.of(eventId, eventId));
    Accounts.mails(api, email, 1);
    String marker = Accounts.uniqueEmail("marker");
    api.post("/api/v1/auth/register", Accounts.registration(marker, null));
    Accounts.mails(api, marker, 1);
    Thread.sleep(Duration.ofMillis(500).toMillis());
    assertThat(api.get("/dev/mailbox?to=" + email).jsonArray())
        .as("the repeat was recognised and skipped")
        .hasSize(1);
  }
}
