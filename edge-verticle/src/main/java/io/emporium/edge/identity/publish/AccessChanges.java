package io.emporium.edge.identity.publish;

import io.emporium.common.Ids;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Announces, after the change committed, that a user's sessions ended or their role changed:
 * published on the event bus, so with {@code CLUSTER_ENABLED} every edge process hears it and
 * checks that user's bridge registrations again. A lost announcement leaves a registration alive
 * only until its token expires.
 */
public final class AccessChanges {
  public static final String ADDRESS = "emporium.identity.access-changed";
  private final EventBus bus;

  public AccessChanges(EventBus bus) {
    this.bus = bus;
  }

  public void announce(UUID userId) {
    bus.publish(ADDRESS, new JsonObject().put("userId", userId.toString()));
  }

  /** The user an announcement names, or null for a message that is not one. */
  public static UUID userOf(Object body) {
    return body instanceof JsonObject json ? Ids.parse(json.getString("userId")) : null;
  }
}
