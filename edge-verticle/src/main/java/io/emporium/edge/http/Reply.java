package io.emporium.edge.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What an endpoint answers: a status and an optional JSON body. */
public record Reply(int status, Object body) {

  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  public static Reply ok(JsonArray body) {
    return new Reply(200, body);
  }

  /** A 200 whose JSON body is already encoded (a cached one). */
  public static Reply encoded(String json) {
    return new Reply(200, json);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body);
  }

  public static Reply accepted() {
    return new Reply(202, null);
  }

  /** A 301 without a body; the route sets its {@code Location}. */
  public static Reply movedPermanently() {
    return new Reply(301, null);
  }

  /** A 302 without a body; the route sets its {@code Location}. */
  public static Reply found() {
    return new Reply(302, null);
  }

  public static Reply noContent() {
    return new Reply(204, null);
  }
}
