package io.emporium.payment.client;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;

/**
 * PayPal's REST API through the non-blocking Vert.x WebClient, against {@code PAYPAL_API_BASE}
 * (PayPal, or the emulator): an OAuth client-credentials token, kept until a minute before it
 * expires and shared by concurrent callers, then JSON requests with a {@code PayPal-Request-Id}
 * (PayPal answers a repeat with the first answer) and {@code Prefer: return=representation}.
 */
public final class PayPalClient {
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final long REQUEST_TIMEOUT_MS = 20_000;
  private static final long TOKEN_MARGIN_MS = 60_000;

  /** A PayPal error answer: its HTTP status, {@code name} and first {@code details[].issue}. */
  public static final class PayPalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String name;
    private final String issue;

    PayPalException(int status, String name, String issue, String message) {
      super(
          "PayPal answered "
              + status
              + " "
              + name
              + (issue == null ? "" : " " + issue)
              + ": "
              + message,
          null,
          false,
          false);
      this.status = status;
      this.name = name;
      this.issue = issue;
    }

    public int status() {
      return status;
    }

    public String name() {
      return name;
    }

    public String issue() {
      return issue;
    }
  }

  private final WebClient web;
  private final URI base;
  private final String clientId;
  private final String clientSecret;
  private String token;
  private long tokenExpiresAt;
  private Future<String> fetching;

  public PayPalClient(Vertx vertx, String apiBase, String clientId, String clientSecret) {
    this.base = URI.create(apiBase.endsWith("/") ? apiBase : apiBase + "/");
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setUserAgent("emporium")
                .setKeepAlive(true));
  }

  /** The API base requests go to. */
  public URI base() {
    return base;
  }

  /** A JSON call; {@code requestId} (may be null) makes it idempotent at PayPal. */
  public Future<JsonObject> send(
      HttpMethod method, String path, JsonObject body, String requestId) {
    return token()
        .compose(t -> once(method, path, body, requestId, t))
        .recover(
            e -> {
              // a token PayPal no longer takes (revoked, or an emulator restarted): fetch another
              if (e instanceof PayPalException p && p.status() == 401) {
                token = null;
                return token().compose(t -> once(method, path, body, requestId, t));
              }
              return Future.failedFuture(e);
            });
  }

  private Future<JsonObject> once(
      HttpMethod method, String path, JsonObject body, String requestId, String bearer) {
    HttpRequest<Buffer> request =
        web.requestAbs(method, base.resolve(path).toString())
            .timeout(REQUEST_TIMEOUT_MS)
            .bearerTokenAuthentication(bearer)
            .putHeader("Accept", "application/json")
            .putHeader("Prefer", "return=representation");
    if (requestId != null) {
      request.putHeader("PayPal-Request-Id", requestId);
    }
    Future<HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendJsonObject(body);
    return sent.compose(PayPalClient::json);
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> response) {
    JsonObject answer;
    try {
      Buffer b = response.body();
      answer = b == null || b.length() == 0 ? new JsonObject() : b.toJsonObject();
    } catch (RuntimeException e) {
      answer = new JsonObject();
    }
    if (response.statusCode() / 100 == 2) {
      return Future.succeededFuture(answer);
    }
    String issue = null;
    if (answer.getValue("details") instanceof JsonArray details
        && !details.isEmpty()
        && details.getValue(0) instanceof JsonObject first
        && first.getValue("issue") instanceof String i) {
      issue = i;
    }
    String name =
        answer.getValue("name") instanceof String n
            ? n
            : answer.getValue("error") instanceof String err ? err : "";
    String message =
        answer.getValue("message") instanceof String m
            ? m
            : answer.getValue("error_description") instanceof String d ? d : "";
    return Future.failedFuture(new PayPalException(response.statusCode(), name, issue, message));
  }

  private Future<String> token() {
    if (token != null && System.currentTimeMillis() < tokenExpiresAt) {
      return Future.succeededFuture(token);
    }
    if (fetching != null) {
      return fetching;
    }
    fetching =
        web.requestAbs(HttpMethod.POST, base.resolve("v1/oauth2/token").toString())
            .timeout(REQUEST_TIMEOUT_MS)
            .basicAuthentication(clientId, clientSecret)
            .putHeader("Accept", "application/json")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("grant_type=client_credentials"))
            .compose(PayPalClient::json)
            .map(
                answer -> {
                  String t = answer.getValue("access_token") instanceof String s ? s : null;
                  if (t == null) {
                    throw new PayPalException(502, "NO_TOKEN", null, "no access_token");
                  }
                  long seconds =
                      answer.getValue("expires_in") instanceof Number n ? n.longValue() : 300;
                  token = t;
                  tokenExpiresAt =
                      System.currentTimeMillis() + Math.max(0, seconds * 1000 - TOKEN_MARGIN_MS);
                  return t;
                })
            .andThen(ar -> fetching = null);
    return fetching;
  }

  /** What PayPal's refusals mean to our callers, as {@code StripeProblems} does for Stripe's. */
  public static Throwable problem(Throwable e) {
    if (e instanceof PayPalException p) {
      if (p.status() == 404) {
        return ApiProblem.notFound("PayPal does not know it: " + p.getMessage());
      }
      if (p.status() == 409 || "DUPLICATE_REQUEST_ID".equals(p.issue())) {
        return ApiProblem.conflict(
            "This order was already sent to the payment provider with other amounts or details.");
      }
      if (p.status() == 400 || p.status() == 422) {
        return ApiProblem.invalid("payment", p.getMessage());
      }
      if (p.status() == 503 || p.status() == 429) {
        return ApiProblem.unavailable("PayPal is unavailable: " + p.getMessage(), 5);
      }
      return new ApiProblem(
          502,
          ApiProblem.titleFor(502),
          "The payment provider failed: " + p.getMessage(),
          List.of(),
          null);
    }
    if (e instanceof ApiProblem) {
      return e;
    }
    // no answer from PayPal (refused, reset or timed out): an outage, which callers wait out
    return ApiProblem.unavailable("PayPal cannot be reached: " + e.getMessage(), 5);
  }

  public Future<Void> close() {
    web.close();
    return Future.succeededFuture();
  }
}
