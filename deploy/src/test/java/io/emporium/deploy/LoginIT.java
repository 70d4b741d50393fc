package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class LoginIT {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  private static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  @Test
  void loginAnswersTokensAndTheUser(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response r =
        api.post("/api/v1/auth/login", credentials(account.email(), Accounts.PASSWORD));
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getString("accessToken")).contains(".");
    assertThat(body.getString("refreshToken")).hasSizeGreaterThan(40);
    assertThat(body.getLong("expiresIn")).isEqualTo(900L);
    assertThat(body.getJsonObject("user").getString("email")).isEqualTo(account.email());
    JsonObject claims =
        new JsonObject(
            new String(
                Base64.getUrlDecoder().decode(body.getString("accessToken").split("\\.")[1]),
                StandardCharsets.UTF_8));
    assertThat(claims.getString("iss")).isEqualTo("emporium");
    assertThat(claims.getString("typ")).isEqualTo("access");
    assertThat(claims.getString("sub")).isEqualTo(account.id());
  }

  @Test
  void unknownEmailAndWrongPasswordGetTheSameAnswer(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response wrongPassword =
        api.post("/api/v1/auth/login", credentials(account.email(), "Not-The-Password-1"));
    Api.Response unknownEmail =
        api.post(
            "/api/v1/auth/login", credentials(Accounts.uniqueEmail("ghost"), Accounts.PASSWORD));
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownEmail.status()).isEqualTo(401);
    assertThat(wrongPassword.json().copy().put("requestId", "").put("instance", ""))
        .isEqualTo(unknownEmail.json().copy().put("requestId", "").put("instance", ""));
  }

  @Test
  void repeatedFailuresLockTheAccountWith429AndRetryAfter(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    for (int i = 0; i < 5; i++) {
      assertThat(
              api.post("/api/v1/auth/login", credentials(account.email(), "Wrong-Password-" + i))
                  .status())
          .isEqualTo(401);
    }
    Api.Response locked =
        api.post("/api/v1/auth/login", credentials(account.email(), Accounts.PASSWORD));
    assertThat(locked.status()).as(locked.toString()).isEqualTo(429);
    assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 900L);
    assertThat(locked.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void parallelGuessesCannotSlipPastTheAccountLimit(Api api) throws Exception {
    Accounts.Account account = Accounts.signedIn(api, null);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(10);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> tries = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        tries.add(
            pool.submit(
                () ->
                    api.post("/api/v1/auth/login", credentials(account.email(), "Wrong-Guess-" + n))
                        .status()));
      }
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (var t : tries) {
        statuses.add(t.get());
      }
      assertThat(statuses).filteredOn(s -> s == 401).as(statuses.toString()).hasSize(5);
      assertThat(statuses).filteredOn(s -> s == 429).hasSize(5);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anOverlongPasswordIsJustAWrongPassword(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response r = api.post("/api/v1/auth/login", credentials(account.email(), "é".repeat(100)));
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
  }

  @Test
  void oneClientAddressCannotTryMoreThanItsLimit(Api api) {
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      Api.Response r =
          api.post(
              "/api/v1/auth/login", credentials(Accounts.uniqueEmail("spray"), "Whatever-Pass-1"));
      if (r.status() == 429) {
        limited++;
        assertThat(r.header("Retry-After")).isNotNull();
      } else {
        assertThat(r.status()).isEqualTo(401);
      }
    }
    assertThat(limited).as("attempts over the per-address limit of 25").isEqualTo(5);
  }

  @Test
  void forgedExpiredOrForeignTokensAre401(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    assertThat(api.get("/api/v1/users/me", account.accessToken()).status()).isEqualTo(200);
    JsonObject claims =
        new JsonObject()
            .put("sub", account.id())
            .put("sid", sessionOf(account.accessToken()))
            .put("typ", "access")
            .put("role", "admin");

    String[] parts = account.accessToken().split("\\.");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
            + "."
            + parts[1]
            + ".";
    String otherKey =
        sign(
            "HS256",
            "another-secret-that-is-long-enough-0123456789",
            claims,
            "emporium",
            "emporium-api",
            600);
    String hs512 = sign("HS512", TestPlatform.JWT_SECRET, claims, "emporium", "emporium-api", 600);
    String wrongIssuer =
        sign("HS256", TestPlatform.JWT_SECRET, claims, "someone-else", "emporium-api", 600);
    String wrongAudience =
        sign("HS256", TestPlatform.JWT_SECRET, claims, "emporium", "another-api", 600);
    String wrongType =
        sign(
            "HS256",
            TestPlatform.JWT_SECRET,
            claims.copy().put("typ", "refresh"),
            "emporium",
            "emporium-api",
            600);
    String expired =
        sign(
            "HS256",
            TestPlatform.JWT_SECRET,
            claims.copy().put("exp", System.currentTimeMillis() / 1000 - 120),
            "emporium",
            "emporium-api",
            0);
    for (String token :
        List.of(
            tampered,
            none,
            otherKey,
            hs512,
            wrongIssuer,
            wrongAudience,
            wrongType,
            expired,
            "garbage")) {
      Api.Response r = api.get("/api/v1/users/me", token);
      assertThat(r.status()).as(token).isEqualTo(401);
    }
    String valid = sign("HS256", TestPlatform.JWT_SECRET, claims, "emporium", "emporium-api", 600);
    Api.Response me = api.get("/api/v1/users/me", valid);
    assertThat(me.status()).as("a well-signed token for a live session works").isEqualTo(200);
    assertThat(me.json().getString("role"))
        .as("the role comes from the account, not the token")
        .isEqualTo("customer");
  }

  static String sessionOf(String accessToken) {
    return new JsonObject(
            new String(
                Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8))
        .getString("sid");
  }

  private static String sign(
      String alg, String secret, JsonObject claims, String issuer, String audience, int expiresIn) {
    JWTAuth jwt =
        JWTAuth.create(
            VERTX,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(secret)));
    JWTOptions options =
        new JWTOptions()
            .setAlgorithm(alg)
            .setIssuer(issuer)
            .setAudience(List.of(audience))
            .setSubject(claims.getString("sub"));
    if (expiresIn > 0) {
      options.setExpiresInSeconds(expiresIn);
    }
    JsonObject body = claims.copy();
    body.remove("sub");
    return jwt.generateToken(body, options);
  }
}
