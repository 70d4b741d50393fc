package io.emporium.edge.identity;

import java.util.UUID;

/** The authenticated user of a request and the session their token belongs to. */
public record Caller(User user, UUID sessionId) {
  public UUID userId() {
    return user.id();
  }

  public String role() {
    return user.role();
  }
}
