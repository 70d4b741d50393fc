package io.emporium.edge.identity;

import io.emporium.common.Ids;
import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens: HS256 JWTs with issuer, audience, expiry and {@code typ: access}, naming the user
 * ({@code sub}) and the session ({@code sid}). Verification accepts HS256 only; {@code alg: none}
 * and every other algorithm are refused.
 */
public final class AccessTokens {
  public static final String ISSUER = "emporium";
  public static final String AUDIENCE = "emporium-api";
  private static final String TYPE = "access";

  public record Claims(UUID userId, UUID sessionId, Instant expiresAt) {}

  private final JWTAuth jwt;
  private final Duration expiry;

  public AccessTokens(Vertx vertx, String secret, Duration expiry) {
    JWTOptions verify =
        new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)).setLeeway(5);
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
                .setJWTOptions(verify));
    this.expiry = expiry;
  }

  public String issue(UUID userId, UUID sessionId, String role) {
    return jwt.generateToken(
        new JsonObject().put("sid", sessionId.toString()).put("typ", TYPE).put("role", role),
        new JWTOptions()
            .setAlgorithm("HS256")
            .setIssuer(ISSUER)
            .setAudience(List.of(AUDIENCE))
            .setSubject(userId.toString())
            .setExpiresInSeconds((int) expiry.toSeconds()));
  }

  public long expiresInSeconds() {
    return expiry.toSeconds();
  }

  /** The verified claims, or a 401 problem for a forged, expired, foreign or malformed token. */
  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            e ->
                Future.failedFuture(
                    ApiProblem.unauthorized("The access token is invalid or expired.")))
        .compose(
            user -> {
              // vertx-auth-jwt keeps the verified claims in the user's attributes
              JsonObject p = user.attributes().getJsonObject("accessToken", new JsonObject());
              UUID userId = Ids.parse(p.getString("sub"));
              UUID sessionId = Ids.parse(p.getString("sid"));
              if (!TYPE.equals(p.getString("typ"))
                  || userId == null
                  || sessionId == null
                  || !p.containsKey("exp")) {
                return Future.failedFuture(
                    ApiProblem.unauthorized("The access token is invalid or expired."));
              }
              return Future.succeededFuture(
                  new Claims(userId, sessionId, Instant.ofEpochSecond(p.getLong("exp"))));
            });
  }
}
