package io.emporium.edge.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** An account as the API shows it. */
public record User(UUID id, String email, String fullName, String role, boolean emailVerified, boolean active,
                   OffsetDateTime createdAt) {

  public static final String COLUMNS = "id, email, full_name, role, email_verified, active, created_at";

  public static User from(Row row) {
    return new User(row.getUUID("id"), row.getString("email"), row.getString("full_name"), row.getString("role"),
        row.getBoolean("email_verified"), row.getBoolean("active"), row.getOffsetDateTime("created_at"));
  }

  public boolean isAdmin() {
    return "admin".equals(role);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("fullName", fullName)
        .put("role", role)
        .put("emailVerified", emailVerified)
        .put("createdAt", rfc3339(createdAt));
  }

  /** The admin view adds whether the account is active. */
  public JsonObject toAdminJson() {
    return toJson().put("active", active);
  }

  public static String rfc3339(OffsetDateTime t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
