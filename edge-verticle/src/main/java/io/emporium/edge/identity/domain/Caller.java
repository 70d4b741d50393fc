package io.emporium.edge.identity.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The authenticated user of a request, the session their token belongs to and when that token
 * expires.
 */
public record Caller(User user, UUID sessionId, Instant tokenExpiresAt) {
  public UUID userId() {
    return user.id();
  }

  public String role() {
    return user.role();
  }
}
