package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.http.HttpMethod;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /eventbus} answers CORS as the REST API does, from {@code CORS_ALLOWED_ORIGINS} (SockJS on
 * its own echoes any Origin with credentials), and sets no cookie.
 */
@ExtendWith(TestPlatform.class)
class BridgeCorsIT {
  private static final String FOREIGN = "https://evil.example";
  private static Emporium noCors;

  @BeforeAll
  static void startAnEdgeWithoutAllowedOrigins() {
    Map<String, String> env = TestPlatform.extraEdge();
    for (String key :
        List.of(
            "CORS_ALLOWED_ORIGINS",
            "CLUSTER_ENABLED",
            "CLUSTER_NAME",
            "CLUSTER_PORT",
            "CLUSTER_MEMBERS")) {
      env.remove(key);
    }
    noCors = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), env);
  }

  @AfterAll
  static void stopIt() {
    if (noCors != null) {
      noCors.close();
    }
  }

  private static Api.Response info(Api api, String origin) {
    return api.raw(
        HttpMethod.GET,
        "/eventbus/info",
        null,
        null,
        origin == null ? Map.of() : Map.of("Origin", origin));
  }

  private static Api.Response preflight(Api api, String origin) {
    return api.raw(
        HttpMethod.OPTIONS,
        "/eventbus/info",
        null,
        null,
        Map.of("Origin", origin, "Access-Control-Request-Method", "GET"));
  }

  @Test
  void onlyTheConfiguredOriginsAreAllowedAndNoneWhenNoneIsConfigured(Api api) {
    Api unconfigured = Api.connect(noCors.config().appPort, TestPlatform.newClientAddress());
    for (String origin : List.of(FOREIGN, "null")) {
      for (Api.Response r :
          List.of(
              info(api, origin),
              preflight(api, origin),
              info(unconfigured, origin),
              preflight(unconfigured, origin))) {
        assertThat(r.header("Access-Control-Allow-Origin")).as(origin + ": " + r).isNull();
        assertThat(r.header("Access-Control-Allow-Credentials")).as(origin + ": " + r).isNull();
      }
    }
    Api.Response allowed = info(api, TestPlatform.CORS_ORIGIN);
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(TestPlatform.CORS_ORIGIN);
    assertThat(allowed.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(preflight(api, TestPlatform.CORS_ORIGIN).header("Access-Control-Allow-Origin"))
        .isEqualTo(TestPlatform.CORS_ORIGIN);
    // the platform's allowed origin is nothing to an edge that allows none
    for (Api.Response r :
        List.of(
            info(unconfigured, TestPlatform.CORS_ORIGIN),
            preflight(unconfigured, TestPlatform.CORS_ORIGIN))) {
      assertThat(r.header("Access-Control-Allow-Origin")).as(r.toString()).isNull();
      assertThat(r.header("Access-Control-Allow-Credentials")).as(r.toString()).isNull();
    }
    // a same-origin page still connects
    Api.Response sameOrigin = info(unconfigured, null);
    assertThat(sameOrigin.status()).as(sameOrigin.toString()).isEqualTo(200);
    assertThat(sameOrigin.json().getBoolean("websocket")).isTrue();
  }

  @Test
  void theBridgeSetsNoCookie(Api api) {
    Api edge = Api.connect(noCors.config().appPort, TestPlatform.newClientAddress());
    Map<String, String> allowed = Map.of("Origin", TestPlatform.CORS_ORIGIN);
    Map<String, String> withSession =
        Map.of("Origin", TestPlatform.CORS_ORIGIN, "Cookie", "JSESSIONID=abc123");
    Api.Response info = api.raw(HttpMethod.GET, "/eventbus/info", null, null, allowed);
    assertThat(info.json().getBoolean("cookie_needed")).isFalse();
    for (Api a : List.of(api, edge)) {
      for (Map<String, String> headers : List.of(allowed, withSession)) {
        // opening an xhr session and SockJS's own OPTIONS answer are where it would set JSESSIONID
        Map<String, String> once = new HashMap<>(headers);
        // SockJS closes the connection behind an xhr poll: none is kept for the next request
        once.put("Connection", "close");
        Api.Response opened =
            a.raw(HttpMethod.POST, "/eventbus/000/" + UUID.randomUUID() + "/xhr", null, null, once);
        assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
        assertThat(opened.body().toString()).startsWith("o");
        Api.Response options = a.raw(HttpMethod.OPTIONS, "/eventbus/info", null, null, headers);
        for (Api.Response r :
            List.of(
                a.raw(HttpMethod.GET, "/eventbus/info", null, null, headers), opened, options)) {
          assertThat(r.headers().getAll("Set-Cookie")).as(r.toString()).isEmpty();
        }
      }
    }
  }
}
