package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class EdgeConventionsIT {

  private static void assertProblem(Api.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("type")).startsWith("https://");
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(p.getString("requestId")).isEqualTo(r.header("X-Request-Id"));
    assertThat(p.getString("instance")).startsWith("/");
  }

  @Test
  void unknownRoutesAnswer404Problems(Api api) {
    assertProblem(api.get("/api/v1/no-such-thing"), 404);
    assertProblem(api.get("/nowhere"), 404);
  }

  @Test
  void wrongMethodAnswers405ProblemNamingTheMethodsThePathTakes(Api api) {
    Api.Response login = api.send(HttpMethod.DELETE, "/api/v1/auth/login", null, null, Map.of());
    assertProblem(login, 405);
    assertThat(login.header("Allow")).isEqualTo("POST");
    Api.Response products = api.send(HttpMethod.PUT, "/api/v1/products", null, null, Map.of());
    assertProblem(products, 405);
    assertThat(products.header("Allow")).isEqualTo("GET, HEAD, POST");
    Api.Response one =
        api.send(
            HttpMethod.POST,
            "/api/v1/products/" + java.util.UUID.randomUUID(),
            null,
            null,
            Map.of());
    assertProblem(one, 405);
    assertThat(one.header("Allow")).isEqualTo("DELETE, GET, HEAD, PATCH, PUT");
  }

  @Test
  void headAnswersLikeGetWithoutTheBody(Api api) {
    Api.Response get = api.get("/api/v1/categories");
    Api.Response head = api.raw(HttpMethod.HEAD, "/api/v1/categories", null, null, Map.of());
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Type")).isEqualTo(get.header("Content-Type"));
    assertThat(head.body() == null || head.body().length() == 0).as("no body").isTrue();
    assertThat(api.raw(HttpMethod.HEAD, "/api/v1/products?limit=1", null, null, Map.of()).status())
        .isEqualTo(200);
    assertThat(api.raw(HttpMethod.HEAD, "/health/live", null, null, Map.of()).status())
        .isEqualTo(200);
    assertThat(
            api.raw(
                    HttpMethod.HEAD,
                    "/api/v1/products/" + java.util.UUID.randomUUID(),
                    null,
                    null,
                    Map.of())
                .status())
        .isEqualTo(404);
  }

  @Test
  void anEmptyBodyWhereOneIsRequiredIs400(Api api) {
    for (Map<String, String> headers :
        java.util.List.of(Map.<String, String>of(), Map.of("Content-Type", "application/json"))) {
      Api.Response r =
          api.raw(HttpMethod.POST, "/api/v1/auth/login", null, Buffer.buffer(), headers);
      assertProblem(r, 400);
      assertThat(r.json().getString("detail")).isEqualTo("A JSON body is required.");
      assertProblem(api.raw(HttpMethod.POST, "/api/v1/auth/register", null, null, headers), 400);
    }
  }

  @Test
  void anOptionalBodyMayBeLeftOutWithoutAContentType(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    Api.Response logout =
        api.raw(HttpMethod.POST, "/api/v1/auth/logout", customer.accessToken(), null, Map.of());
    assertThat(logout.status()).as(logout.toString()).isEqualTo(204);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Api.Response approve =
        api.raw(
            HttpMethod.POST,
            "/api/v1/admin/products/" + java.util.UUID.randomUUID() + "/approve",
            admin,
            null,
            Map.of());
    assertProblem(approve, 404);
  }

  @Test
  void textThatCannotBeStoredIs422NamingWhereItIs(Api api) {
    Api.Response body =
        api.post(
            "/api/v1/auth/login",
            new JsonObject().put("email", "a\u0000@example.com").put("password", "x"));
    assertProblem(body, 422);
    assertThat(body.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("email");
    // a lone surrogate, written as JSON's own escape: it has no UTF-8 form
    Api.Response nested =
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/register",
            null,
            Buffer.buffer(
                "{\"email\":\"n@example.com\",\"password\":\"Long-Enough-Pass-42\",\"fullName\":\"Ann \\ud800\"}"),
            Map.of("Content-Type", "application/json"));
    assertProblem(nested, 422);
    assertThat(nested.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("fullName");
    Api.Response query = api.get("/api/v1/products?q=tea%00pot");
    assertProblem(query, 422);
    assertThat(query.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("q");
    Api.Response path = api.get("/api/v1/products/abc%00def");
    assertProblem(path, 422);
    assertThat(path.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("id");
    assertProblem(api.get("/api/v1/products/%zz"), 400);
  }

  @Test
  void malformedJsonIs400AndNotJsonIs415(Api api) {
    Api.Response malformed =
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/login",
            null,
            Buffer.buffer("{\"email\": "),
            Map.of("Content-Type", "application/json"));
    assertProblem(malformed, 400);
    assertThat(malformed.json().getString("detail")).contains("not valid JSON");
    Api.Response array =
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/login",
            null,
            Buffer.buffer("[1,2]"),
            Map.of("Content-Type", "application/json"));
    assertProblem(array, 400);
    assertProblem(
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/login",
            null,
            Buffer.buffer("email=a&password=b"),
            Map.of("Content-Type", "application/x-www-form-urlencoded")),
        415);
  }

  @Test
  void aRequestLineTooLongToReadIsA414Problem(Api api) {
    assertThat(api.get("/api/v1/products?q=" + "x".repeat(10_000)).status()).isLessThan(500);
    Api.Response r = api.get("/api/v1/products?q=" + "x".repeat(40_000));
    assertThat(r.status()).isEqualTo(414);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getInteger("status")).isEqualTo(414);
  }

  @Test
  void bodiesOverTheLimitAre413(Api api) {
    String big = "x".repeat(70 * 1024);
    Api.Response r =
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/register",
            null,
            Buffer.buffer(new JsonObject().put("email", big).encode()),
            Map.of("Content-Type", "application/json"));
    assertProblem(r, 413);
  }

  @Test
  void validationFailuresAre422WithEveryFieldNamed(Api api) {
    Api.Response r =
        api.post(
            "/api/v1/auth/register",
            new JsonObject().put("email", "not-an-email").put("password", 12));
    assertProblem(r, 422);
    assertThat(
            r.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains("email", "password", "fullName");
  }

  @Test
  void requestIdsAreEchoedOrGenerated(Api api) {
    Api.Response echoed =
        api.raw(
            HttpMethod.GET, "/health/live", null, null, Map.of("X-Request-Id", "client-req-42"));
    assertThat(echoed.header("X-Request-Id")).isEqualTo("client-req-42");
    Api.Response generated = api.get("/health/live");
    assertThat(generated.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    Api.Response hostile =
        api.raw(HttpMethod.GET, "/health/live", null, null, Map.of("X-Request-Id", "a b<script>"));
    assertThat(hostile.header("X-Request-Id")).matches("[0-9a-f-]{36}");
  }

  @Test
  void everyResponseCarriesSecurityHeadersAndNoServerBanner(Api api) {
    for (Api.Response r : new Api.Response[] {api.get("/health/live"), api.get("/api/v1/nope")}) {
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("Server")).isNull();
    }
  }

  @Test
  void corsAllowsTheConfiguredOriginOnly(Api api) {
    Api.Response allowed =
        api.raw(
            HttpMethod.OPTIONS,
            "/api/v1/auth/login",
            null,
            null,
            Map.of(
                "Origin",
                TestPlatform.CORS_ORIGIN,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "content-type"));
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(TestPlatform.CORS_ORIGIN);
    Api.Response foreign =
        api.raw(
            HttpMethod.OPTIONS,
            "/api/v1/auth/login",
            null,
            null,
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
    assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void healthReportsEveryDependency(Api api) {
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    Api.Response ready = api.get("/health/ready");
    assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
    assertThat(
            ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder(
            "postgresql",
            "redis",
            "kafka",
            "grpc-catalog",
            "grpc-ordering",
            "grpc-payment",
            "grpc-realtime");
  }

  @Test
  void metricsArePrometheusTextWithHttpGrpcPoolEventLoopAndJvmSeries(Api api) {
    api.get("/health/live");
    api.get("/api/v1/products/" + java.util.UUID.randomUUID());
    Api.Response metrics = api.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    String text = metrics.body().toString();
    assertThat(text)
        .contains(
            "vertx_http_server_requests_total",
            "/products/:id",
            "vertx_pool_in_use",
            "netty_eventexecutor_tasks_pending",
            "jvm_memory_used_bytes",
            "vertx_http_client_requests_total{method=\"POST\",rpc=\"/emporium.catalog.v1.Catalog/GetProduct\"}");
  }
}
