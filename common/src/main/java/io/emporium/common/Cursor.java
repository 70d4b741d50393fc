package io.emporium.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/** A position in a newest-first keyset listing: the last item's time and id, opaque to clients. */
public record Cursor(OffsetDateTime at, UUID id) {

  public String encode() {
    Instant t = at.toInstant();
    String raw = t.getEpochSecond() + ":" + t.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor a string stands for; empty when it is not one this platform issued. */
  public static Optional<Cursor> decode(String raw) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split(":", 3);
      Instant t = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      return Optional.of(
          new Cursor(OffsetDateTime.ofInstant(t, ZoneOffset.UTC), UUID.fromString(parts[2])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
