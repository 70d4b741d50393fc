package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PayPal's REST API as its SDKs speak it: {@code POST /v1/oauth2/token} with the app's client id
 * and secret, then {@code Authorization: Bearer} on everything else; JSON in and out, {@code
 * PayPal-Request-Id} on POSTs, {@code Prefer: return=minimal|representation}, {@code
 * PayPal-Debug-Id} on every answer and errors in PayPal's shape.
 */
final class ApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
  private static final String CLIENT = "paypal.client";
  private static final String CERTS = "/v1/notifications/certs/";

  /** One API operation: the client and the decoded body to the answer. */
  @FunctionalInterface
  interface Operation {
    Answer apply(RoutingContext ctx, String clientId, JsonObject body);
  }

  record Answer(int status, JsonObject body) {}

  private final Ledger ledger;
  private final AccessTokens tokens;
  private final IdempotencyKeys idempotency;
  private final WebhookEvents events;
  private final SigningKey signingKey;
  private final String webhookId;
  private final StateJournal journal;
  private final Clock clock;
  private final Supplier<String> baseUrl;

  ApiRoutes(
      Ledger ledger,
      AccessTokens tokens,
      IdempotencyKeys idempotency,
      WebhookEvents events,
      SigningKey signingKey,
      String webhookId,
      StateJournal journal,
      Clock clock,
      Supplier<String> baseUrl) {
    this.ledger = ledger;
    this.tokens = tokens;
    this.idempotency = idempotency;
    this.events = events;
    this.signingKey = signingKey;
    this.webhookId = webhookId;
    this.journal = journal;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /** The URL {@code PAYPAL-CERT-URL} names: the signing certificate on this emulator. */
  String certUrl() {
    return baseUrl.get() + CERTS + signingKey.certId();
  }

  void mount(Router router) {
    router.post("/v1/oauth2/token").handler(this::token);
    router.get(CERTS + ":certId").handler(this::certificate);
    router.route("/v1/*").handler(this::authenticate);
    router.route("/v2/*").handler(this::authenticate);
    router
        .post("/v2/checkout/orders")
        .handler(
            post(
                (ctx, client, body) -> {
                  Order order = ledger.create(client, body);
                  return new Answer(
                      201,
                      representation(ctx)
                          ? ledger.orderJson(order, baseUrl.get())
                          : order.toMinimalJson(baseUrl.get()));
                }));
    router
        .get("/v2/checkout/orders/:id")
        .handler(
            get((ctx, client) -> ledger.orderJson(ledger.order(client, id(ctx)), baseUrl.get())));
    router
        .post("/v2/checkout/orders/:id/capture")
        .handler(
            post(
                (ctx, client, body) ->
                    new Answer(
                        201,
                        ledger.orderJson(
                            ledger.capture(client, id(ctx), baseUrl.get()), baseUrl.get()))));
    router
        .get("/v2/payments/captures/:id")
        .handler(get((ctx, client) -> ledger.capture(client, id(ctx)).toJson(baseUrl.get(), true)));
    router
        .post("/v2/payments/captures/:id/refund")
        .handler(
            post(
                (ctx, client, body) -> {
                  Refund refund = ledger.refund(client, id(ctx), body, baseUrl.get());
                  return new Answer(
                      201,
                      representation(ctx)
                          ? refund.toJson(baseUrl.get())
                          : refund.toMinimalJson(baseUrl.get()));
                }));
    router
        .get("/v2/payments/refunds/:id")
        .handler(get((ctx, client) -> ledger.refund(client, id(ctx)).toJson(baseUrl.get())));
    router.post("/v1/notifications/verify-webhook-signature").handler(this::verifySignature);
    router
        .get("/v1/notifications/webhooks-events/:id")
        .handler(
            get(
                (ctx, client) -> {
                  WebhookEvents.StoredEvent event = events.find(id(ctx));
                  if (event == null) {
                    throw PayPalError.notFound("event_id", id(ctx), "webhooks/v1");
                  }
                  return new JsonObject(event.payload());
                }));
    router
        .post("/v1/notifications/webhooks-events/:id/resend")
        .handler(
            ctx -> {
              if (!events.resend(id(ctx))) {
                fail(ctx, PayPalError.notFound("event_id", id(ctx), "webhooks/v1"));
                return;
              }
              respond(ctx, 202, new JsonObject(events.find(id(ctx)).payload()));
            });
    router.route("/v1/*").handler(this::noSuchPath);
    router.route("/v2/*").handler(this::noSuchPath);
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private static boolean representation(RoutingContext ctx) {
    String prefer = ctx.request().getHeader("Prefer");
    return prefer != null && prefer.toLowerCase(Locale.ROOT).contains("return=representation");
  }

  private void noSuchPath(RoutingContext ctx) {
    fail(ctx, PayPalError.noSuchPath(ctx.request().method().name(), ctx.request().path()));
  }

  // --- OAuth ---

  private void token(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String id = null;
    String secret = null;
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon >= 0) {
          id = pair.substring(0, colon);
          secret = pair.substring(colon + 1);
        }
      } catch (IllegalArgumentException e) {
        id = null;
      }
    }
    if (!tokens.accepts(id, secret)) {
      oauthError(ctx, 401, "invalid_client", "Client Authentication failed");
      return;
    }
    String grantType = ctx.request().getFormAttribute("grant_type");
    if (grantType == null) {
      grantType = formField(ctx.body().asString(StandardCharsets.UTF_8.name()), "grant_type");
    }
    if (grantType == null) {
      oauthError(ctx, 400, "unsupported_grant_type", "Grant Type is NULL");
      return;
    }
    if (!grantType.equals("client_credentials")) {
      oauthError(ctx, 400, "unsupported_grant_type", "unsupported grant_type");
      return;
    }
    journal.begin();
    JsonObject answer = tokens.issue(id);
    journal
        .commit()
        .onComplete(
            written -> {
              if (written.succeeded()) {
                respond(ctx, 200, answer);
              } else {
                internalError(ctx, written.cause());
              }
            });
  }

  private static String formField(String body, String name) {
    if (body == null) {
      return null;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (java.net.URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return eq < 0
            ? ""
            : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void oauthError(RoutingContext ctx, int status, String error, String description) {
    respond(
        ctx, status, new JsonObject().put("error", error).put("error_description", description));
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      oauthError(ctx, 401, "invalid_token", "No permission for the requested operation");
      return;
    }
    String client = tokens.clientOf(header.substring(7).strip());
    if (client == null) {
      oauthError(ctx, 401, "invalid_token", "Access Token not found in cache");
      return;
    }
    ctx.put(CLIENT, client);
    ctx.next();
  }

  private void certificate(RoutingContext ctx) {
    if (!signingKey.certId().equals(ctx.pathParam("certId"))) {
      fail(ctx, PayPalError.notFound("cert_id", ctx.pathParam("certId"), "webhooks/v1"));
      return;
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-pem-file")
        .putHeader("PayPal-Debug-Id", PayPalIds.debugId())
        .end(signingKey.certificatePem());
  }

  // --- webhook signatures ---

  private void verifySignature(RoutingContext ctx) {
    try {
      JsonObject body = jsonBody(ctx);
      for (String field :
          new String[] {
            "auth_algo",
            "cert_url",
            "transmission_id",
            "transmission_sig",
            "transmission_time",
            "webhook_id"
          }) {
        if (!(body.getValue(field) instanceof String value) || value.isEmpty()) {
          throw PayPalError.validation(field, "Required field cannot be blank");
        }
      }
      if (!(body.getValue("webhook_event") instanceof JsonObject event)) {
        throw PayPalError.validation("webhook_event", "Required field cannot be blank");
      }
      byte[] eventBytes = event.encode().getBytes(StandardCharsets.UTF_8);
      boolean valid =
          SigningKey.ALGORITHM.equalsIgnoreCase(body.getString("auth_algo"))
              && body.getString("cert_url").endsWith(CERTS + signingKey.certId())
              && webhookId.equals(body.getString("webhook_id"))
              && signingKey.verify(
                  SigningKey.signedString(
                      body.getString("transmission_id"),
                      body.getString("transmission_time"),
                      body.getString("webhook_id"),
                      eventBytes),
                  body.getString("transmission_sig"));
      respond(ctx, 200, new JsonObject().put("verification_status", valid ? "SUCCESS" : "FAILURE"));
    } catch (PayPalError e) {
      fail(ctx, e);
    } catch (RuntimeException e) {
      internalError(ctx, e);
    }
  }

  // --- the shape of every call ---

  /** A GET: the client to the object answered. */
  @FunctionalInterface
  interface Read {
    JsonObject apply(RoutingContext ctx, String clientId);
  }

  private Handler<RoutingContext> get(Read read) {
    return ctx -> {
      try {
        respond(ctx, 200, read.apply(ctx, ctx.get(CLIENT)));
      } catch (PayPalError e) {
        fail(ctx, e);
      } catch (RuntimeException e) {
        internalError(ctx, e);
      }
    };
  }

  private Handler<RoutingContext> post(Operation operation) {
    return ctx -> {
      try {
        String client = ctx.get(CLIENT);
        JsonObject body = jsonBody(ctx);
        String endpoint = "POST " + ctx.request().path();
        String requestId = ctx.request().getHeader("PayPal-Request-Id");
        if (requestId != null) {
          IdempotencyKeys.Result kept = idempotency.replay(client, endpoint, requestId);
          if (kept != null) {
            // PayPal answers a replayed request 200 with the first answer
            respond(ctx, kept.status() == 201 ? 200 : kept.status(), new JsonObject(kept.body()));
            return;
          }
        }
        journal.begin();
        Answer answer;
        try {
          answer = operation.apply(ctx, client, body);
        } catch (PayPalError e) {
          // a declined capture changed the order before it was refused
          journal.commit().onComplete(written -> fail(ctx, e));
          return;
        }
        if (requestId != null) {
          idempotency.keep(
              client,
              endpoint,
              requestId,
              new IdempotencyKeys.Result(
                  answer.status(), answer.body().encode(), clock.instant().getEpochSecond()));
        }
        // answered once it is on disk, so what the caller was told survives a crash
        journal
            .commit()
            .onComplete(
                written -> {
                  if (written.succeeded()) {
                    respond(ctx, answer.status(), answer.body());
                  } else {
                    internalError(ctx, written.cause());
                  }
                });
      } catch (PayPalError e) {
        fail(ctx, e);
      } catch (RuntimeException e) {
        internalError(ctx, e);
      }
    };
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String text = ctx.body().asString(StandardCharsets.UTF_8.name());
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
      throw PayPalError.unsupportedMediaType(contentType);
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      // not JSON, or JSON that is no object ("[]", "null")
      throw PayPalError.malformedJson();
    }
  }

  static void fail(RoutingContext ctx, PayPalError error) {
    String debugId = PayPalIds.debugId();
    ctx.response()
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("PayPal-Debug-Id", debugId)
        .end(error.toJson(debugId).encode());
  }

  static void internalError(RoutingContext ctx, Throwable e) {
    LOG.error("PayPal emulator: {} {} failed", ctx.request().method(), ctx.request().path(), e);
    String debugId = PayPalIds.debugId();
    ctx.response()
        .setStatusCode(500)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("PayPal-Debug-Id", debugId)
        .end(
            new JsonObject()
                .put("name", "INTERNAL_SERVER_ERROR")
                .put("message", "An internal server error occurred.")
                .put("debug_id", debugId)
                .encode());
  }

  private static void respond(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-store")
        .putHeader("PayPal-Debug-Id", PayPalIds.debugId())
        .end(body.encode());
  }
}
