package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/** Query parameters of list routes: only known names, {@code limit} 1..100, opaque keyset cursors. */
public final class Paging {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  /** A position in a newest-first listing: the last item's creation time and id. */
  public record Cursor(OffsetDateTime createdAt, UUID id) {
    public String encode() {
      Instant t = createdAt.toInstant();
      String raw = t.getEpochSecond() + ":" + t.getNano() + ":" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
  }

  private Paging() {}

  /** The query parameters, refusing (422) any name the route does not know. */
  public static MultiMap params(RoutingContext ctx, Set<String> allowed) {
    MultiMap params = ctx.queryParams();
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw ApiProblem.invalid(name, "is not a parameter of this route");
      }
    }
    return params;
  }

  public static int limit(MultiMap params) {
    String raw = params.get("limit");
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_LIMIT);
  }

  public static Cursor cursor(MultiMap params) {
    String raw = params.get("cursor");
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split(":", 3);
      Instant t = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      return new Cursor(OffsetDateTime.ofInstant(t, ZoneOffset.UTC), UUID.fromString(parts[2]));
    } catch (RuntimeException e) {
      throw ApiProblem.invalid("cursor", "is not a cursor this API issued");
    }
  }
}
