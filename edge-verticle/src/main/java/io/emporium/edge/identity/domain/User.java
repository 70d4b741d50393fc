package io.emporium.edge.identity.domain;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** An account as the API shows it. */
public record User(
    UUID id,
    String email,
    String fullName,
    String role,
    boolean emailVerified,
    boolean active,
    OffsetDateTime createdAt) {

  public boolean isAdmin() {
    return "admin".equals(role);
  }

  public static String rfc3339(OffsetDateTime t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
