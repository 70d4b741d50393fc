package io.emporium.ordering.consume;

import io.emporium.common.Ids;
import io.emporium.common.events.EventConsumer;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.events.v1.IdentityEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an account the guest orders placed with its email once identity reports that email verified
 * on {@code identity.events}; never before, so typing someone's email at a guest checkout shows
 * them nothing until they prove they read its mail.
 */
public final class IdentityEventsConsumer implements EventConsumer.EventHandler<IdentityEvent> {
  public static final String TOPIC = "identity.events";
  private static final Logger LOG = LoggerFactory.getLogger(IdentityEventsConsumer.class);
  private final OrderStore orders;

  public IdentityEventsConsumer(OrderStore orders) {
    this.orders = orders;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(IdentityEvent::parseFrom, this);
  }

  /** Only verified emails: the other identity events pass by without a transaction. */
  @Override
  public boolean wants(IdentityEvent event) {
    return event.hasEmailVerified();
  }

  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, IdentityEvent event) {
    if (!event.hasEmailVerified()) {
      return Future.succeededFuture();
    }
    UUID user = Ids.parse(event.getUserId());
    String email = event.getEmailVerified().getEmail().strip().toLowerCase(Locale.ROOT);
    if (user == null || email.isEmpty()) {
      LOG.error("skipped identity event {}: no user id or email", event.getEventId());
      return Future.succeededFuture();
    }
    return orders
        .claimGuestOrders(tx, user, email)
        .onSuccess(
            claimed -> {
              if (claimed > 0) {
                LOG.info("user {} claimed {} guest orders of their verified email", user, claimed);
              }
            })
        .mapEmpty();
  }
}
