package io.emporium.edge.http.json;

import io.emporium.edge.identity.domain.User;
import io.vertx.core.json.JsonObject;

/**
 * An account as the API shows it: {@code user} of API.md, and the admin view that adds whether it
 * is active.
 */
public final class UserJson {
  private UserJson() {}

  public static JsonObject of(User user) {
    return new JsonObject()
        .put("id", user.id().toString())
        .put("email", user.email())
        .put("fullName", user.fullName())
        .put("role", user.role())
        .put("emailVerified", user.emailVerified())
        .put("createdAt", User.rfc3339(user.createdAt()));
  }

  public static JsonObject forAdmin(User user) {
    return of(user).put("active", user.active());
  }
}
