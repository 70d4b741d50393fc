package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * OAuth 2.0 client credentials as PayPal issues them: {@code POST /v1/oauth2/token} with the REST
 * app's client id and secret in HTTP Basic gives a bearer token for nine hours. Tokens are written
 * to the journal, so one survives a restart of the emulator as it survives PayPal's. Confined to
 * the emulator's event loop.
 */
final class AccessTokens {
  static final Duration LIFETIME = Duration.ofHours(9);
  static final String APP_ID = "APP-80W284485P519543T";
  static final String SCOPE =
      "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund "
          + "https://uri.paypal.com/services/checkout/one-click-with-merchant-issued-token "
          + "https://uri.paypal.com/services/applications/webhooks openid";

  private static final SecureRandom RANDOM = new SecureRandom();

  private record Token(String clientId, Instant expires) {}

  private final Map<String, Token> tokens = new HashMap<>();
  private final String clientId;
  private final String clientSecret;
  private final Clock clock;
  private final StateJournal journal;

  /** {@code clientId} and {@code clientSecret} null: any non-empty pair is accepted. */
  AccessTokens(String clientId, String clientSecret, Clock clock, StateJournal journal) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clock = clock;
    this.journal = journal;
  }

  /** True when the pair is the configured one (or, with none configured, is not empty). */
  boolean accepts(String id, String secret) {
    if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
      return false;
    }
    return clientId == null
        ? clientSecret == null || clientSecret.equals(secret)
        : clientId.equals(id) && (clientSecret == null || clientSecret.equals(secret));
  }

  /** A new token for {@code id}, as the token endpoint answers it. */
  JsonObject issue(String id) {
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    String token = "A21AA" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    tokens.put(token, new Token(id, expires));
    journal.add(
        new JsonObject()
            .put("key", "token " + token)
            .put("kind", "token")
            .put("created", now.getEpochSecond())
            .put("token", token)
            .put("clientId", id)
            .put("expires", expires.getEpochSecond()));
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    return new JsonObject()
        .put("scope", SCOPE)
        .put("access_token", token)
        .put("token_type", "Bearer")
        .put("app_id", APP_ID)
        .put("expires_in", LIFETIME.toSeconds())
        .put(
            "nonce",
            now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
  }

  /** The client a live token was issued to; null for an unknown or expired one. */
  String clientOf(String token) {
    Token found = tokens.get(token);
    if (found == null || !found.expires().isAfter(clock.instant())) {
      return null;
    }
    return found.clientId();
  }

  boolean restore(JsonObject record) {
    if (!record.getString("kind").equals("token")) {
      return false;
    }
    tokens.put(
        record.getString("token"),
        new Token(record.getString("clientId"), Instant.ofEpochSecond(record.getLong("expires"))));
    return true;
  }

  void forgetExpired() {
    Instant now = clock.instant();
    tokens.values().removeIf(t -> !t.expires().isAfter(now));
  }
}
