package io.emporium.edge.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.OidcProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider that rotates its signing key without notice, played by a local issuer (discovery, JWKS
 * and token endpoint) that vertx-auth-oauth2 reaches over HTTP as it would a real one.
 */
class OidcProvidersTest {
  private static final String CLIENT_ID = "shop";

  private Vertx vertx;
  private HttpServer server;
  private String issuer;
  private final List<JsonObject> published = new ArrayList<>();
  private final AtomicReference<JsonObject> signingKey = new AtomicReference<>();
  private final AtomicInteger keyFetches = new AtomicInteger();

  @BeforeEach
  void startIssuer() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .get("/.well-known/openid-configuration")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("issuer", issuer)
                        .put("authorization_endpoint", issuer + "/authorize")
                        .put("token_endpoint", issuer + "/token")
                        .put("jwks_uri", issuer + "/jwks")
                        .put("response_types_supported", new JsonArray().add("code"))
                        .put("subject_types_supported", new JsonArray().add("public"))
                        .put(
                            "id_token_signing_alg_values_supported",
                            new JsonArray().add("RS256"))));
    router
        .get("/jwks")
        .handler(
            ctx -> {
              keyFetches.incrementAndGet();
              JsonArray keys = new JsonArray();
              synchronized (published) {
                published.forEach(k -> keys.add(publicPart(k)));
              }
              ctx.json(new JsonObject().put("keys", keys));
            });
    router
        .post("/token")
        .handler(
            ctx -> {
              long now = System.currentTimeMillis() / 1000;
              String idToken =
                  JWTAuth.create(vertx, new JWTAuthOptions().addJwk(signingKey.get()))
                      .generateToken(
                          new JsonObject()
                              .put("iss", issuer)
                              .put("aud", CLIENT_ID)
                              .put("sub", "subject-1")
                              .put("iat", now)
                              .put("exp", now + 300),
                          new JWTOptions().setAlgorithm("RS256"));
              ctx.json(
                  new JsonObject()
                      .put("access_token", "opaque-access-token")
                      .put("token_type", "Bearer")
                      .put("expires_in", 300)
                      .put("id_token", idToken));
            });
    server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    issuer = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aKeyRotatedInWithoutNoticeIsFetchedSoTheNextLoginVerifies() throws Exception {
    JsonObject first = rsaKey("key-1");
    published.add(first);
    signingKey.set(first);
    OidcProviders providers =
        new OidcProviders(
            vertx,
            List.of(
                new OidcProvider("test", "Test", issuer, CLIENT_ID, "secret", OidcProvider.QUERY)));
    OAuth2Auth client = providers.client(providers.byId("test").orElseThrow()).await();
    assertThat(login(client).attributes().getJsonObject("idToken").getString("sub"))
        .isEqualTo("subject-1");
    int fetchesBefore = keyFetches.get();

    // the provider publishes a new key and signs with it at once
    JsonObject second = rsaKey("key-2");
    synchronized (published) {
      published.add(second);
    }
    signingKey.set(second);
    User refused = login(client);
    assertThat(refused.attributes().containsKey("idToken"))
        .as("a token signed with a key the edge has not seen is not verified")
        .isFalse();
    assertThat(refused.attributes().getString("missing-kid")).endsWith("key-2");

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (keyFetches.get() == fetchesBefore && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(keyFetches.get()).as("the issuer's keys fetched again").isGreaterThan(fetchesBefore);
    // the fetch's answer is applied once it arrives
    User verified = null;
    while (System.nanoTime() < deadline) {
      verified = login(client);
      if (verified.attributes().containsKey("idToken")) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(verified.attributes().getJsonObject("idToken").getString("sub"))
        .isEqualTo("subject-1");

    // another unknown key within the minute does not send the edge to the issuer again
    int fetchesAfter = keyFetches.get();
    signingKey.set(rsaKey("key-3"));
    assertThat(login(client).attributes().containsKey("idToken")).isFalse();
    Thread.sleep(200);
    assertThat(keyFetches.get()).isEqualTo(fetchesAfter);
  }

  private static User login(OAuth2Auth client) {
    return client
        .authenticate(
            new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode("code")
                .setRedirectUri("http://127.0.0.1/callback"))
        .await();
  }

  /** A fresh RSA key as a private JWK named {@code kid}. */
  private static JsonObject rsaKey(String kid) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    var pair = generator.generateKeyPair();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) pair.getPrivate();
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", kid)
        .put("alg", "RS256")
        .put("use", "sig")
        .put("n", base64(pub.getModulus()))
        .put("e", base64(pub.getPublicExponent()))
        .put("d", base64(key.getPrivateExponent()))
        .put("p", base64(key.getPrimeP()))
        .put("q", base64(key.getPrimeQ()))
        .put("dp", base64(key.getPrimeExponentP()))
        .put("dq", base64(key.getPrimeExponentQ()))
        .put("qi", base64(key.getCrtCoefficient()));
  }

  private static JsonObject publicPart(JsonObject key) {
    JsonObject pub = new JsonObject();
    for (String field : List.of("kty", "kid", "alg", "use", "n", "e")) {
      pub.put(field, key.getString(field));
    }
    return pub;
  }

  private static String base64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
