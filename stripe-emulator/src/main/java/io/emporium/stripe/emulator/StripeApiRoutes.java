package io.emporium.stripe.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe's {@code /v1} API as stripe-java speaks it: form-encoded parameters in, JSON objects out,
 * {@code Authorization: Bearer sk_test_...} on every request, {@code Idempotency-Key} on POSTs,
 * {@code expand[]} on any answer, and errors in Stripe's shape.
 */
final class StripeApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(StripeApiRoutes.class);
  private static final String ACCOUNT = "stripe.account";

  /**
   * One API operation: the decoded parameters and the request that asked, to the object answered.
   */
  @FunctionalInterface
  interface Operation {
    JsonObject apply(RoutingContext ctx, StripeParams params, ApiRequest request);
  }

  private final TestModeAccount account;
  private final CheckoutSessions sessions;
  private final PaymentIntents intents;
  private final Refunds refunds;
  private final StripeEvents events;
  private final IdempotencyKeys idempotency;
  private final StateJournal journal;
  private final Clock clock;

  StripeApiRoutes(
      TestModeAccount account,
      CheckoutSessions sessions,
      PaymentIntents intents,
      Refunds refunds,
      StripeEvents events,
      IdempotencyKeys idempotency,
      StateJournal journal,
      Clock clock) {
    this.account = account;
    this.sessions = sessions;
    this.intents = intents;
    this.refunds = refunds;
    this.events = events;
    this.idempotency = idempotency;
    this.journal = journal;
    this.clock = clock;
  }

  void mount(Router router) {
    router.route("/v1/*").handler(this::authenticate);
    router.post("/v1/checkout/sessions").handler(post((ctx, p, r) -> sessions.create(p).toJson()));
    router
        .get("/v1/checkout/sessions/:id")
        .handler(get((ctx, p, r) -> account.session(id(ctx)).toJson()));
    router
        .get("/v1/checkout/sessions/:id/line_items")
        .handler(get((ctx, p, r) -> account.session(id(ctx)).lineItemsJson()));
    router
        .post("/v1/checkout/sessions/:id/expire")
        .handler(post((ctx, p, r) -> sessions.expire(id(ctx), r).toJson()));
    router.post("/v1/payment_intents").handler(post((ctx, p, r) -> intents.create(p, r).toJson()));
    router
        .get("/v1/payment_intents/:id")
        .handler(get((ctx, p, r) -> account.intent(id(ctx)).toJson()));
    router
        .post("/v1/payment_intents/:id/confirm")
        .handler(post((ctx, p, r) -> intents.confirm(id(ctx), p, r).toJson()));
    router
        .post("/v1/payment_intents/:id/cancel")
        .handler(post((ctx, p, r) -> intents.cancel(id(ctx), p, r).toJson()));
    router.post("/v1/refunds").handler(post((ctx, p, r) -> refunds.create(p, r).toJson()));
    router.get("/v1/refunds").handler(get((ctx, p, r) -> refunds.list(p)));
    router.get("/v1/refunds/:id").handler(get((ctx, p, r) -> account.refund(id(ctx)).toJson()));
    router.get("/v1/charges/:id").handler(get((ctx, p, r) -> account.charge(id(ctx)).toJson()));
    router.get("/v1/events/:id").handler(get((ctx, p, r) -> event(id(ctx))));
    router
        .route("/v1/*")
        .handler(
            ctx ->
                fail(
                    ctx,
                    StripeApiError.unrecognizedUrl(
                        ctx.request().method().name(), ctx.request().path())));
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private JsonObject event(String id) {
    StripeEvents.StoredEvent event = events.find(id);
    if (event == null) {
      throw StripeApiError.notFound("event", id, "id");
    }
    return new JsonObject(event.payload());
  }

  /**
   * Stripe takes the secret key as a bearer token or as the user of basic auth; the emulator takes
   * any test key.
   */
  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String key = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = header.substring(7).strip();
    } else if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String user =
            new String(
                Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        key = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
      } catch (IllegalArgumentException e) {
        key = "";
      }
    }
    if (key == null || key.isEmpty()) {
      fail(
          ctx,
          StripeApiError.unauthorized(
              "You did not provide an API key. You need to provide your API key in the Authorization header, "
                  + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
      return;
    }
    if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
      fail(
          ctx,
          StripeApiError.unauthorized(
              "Invalid API Key provided: "
                  + masked(key)
                  + ". The Stripe emulator takes test keys only "
                  + "(sk_test_...)."));
      return;
    }
    ctx.put(ACCOUNT, key);
    ctx.next();
  }

  private static String masked(String key) {
    return key.length() <= 8
        ? "****"
        : key.substring(0, Math.min(8, key.length() - 4))
            + "****"
            + key.substring(key.length() - 4);
  }

  private Handler<RoutingContext> get(Operation operation) {
    return ctx -> {
      try {
        StripeParams params = new StripeParams(StripeForm.decode(ctx.request().query()));
        respond(
            ctx,
            200,
            expand(operation.apply(ctx, params, ApiRequest.NONE), params).encode(),
            false,
            StripeIds.next("req_"));
      } catch (StripeApiError e) {
        fail(ctx, e);
      } catch (RuntimeException e) {
        internalError(ctx, e);
      }
    };
  }

  private Handler<RoutingContext> post(Operation operation) {
    return ctx -> {
      try {
        String body = ctx.body().asString(StandardCharsets.UTF_8.name());
        JsonObject decoded = StripeForm.decode(body);
        StripeParams params = new StripeParams(decoded);
        String accountKey = ctx.get(ACCOUNT);
        String endpoint = "POST " + ctx.request().path();
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null) {
          IdempotencyKeys.Result kept = idempotency.replay(accountKey, key, endpoint, decoded);
          if (kept != null) {
            respond(ctx, kept.status(), kept.body(), true, StripeIds.next("req_"));
            return;
          }
        }
        ApiRequest request = new ApiRequest(StripeIds.next("req_"), key);
        int status;
        String answer;
        journal.begin();
        try {
          answer = expand(operation.apply(ctx, params, request), params).encode();
          status = 200;
        } catch (StripeApiError e) {
          if (!e.keptForIdempotencyKey()) {
            journal.commit();
            throw e;
          }
          answer = e.toJson().encode();
          status = e.status();
        }
        if (key != null) {
          idempotency.keep(
              accountKey,
              key,
              new IdempotencyKeys.Result(
                  endpoint, decoded, status, answer, clock.instant().getEpochSecond()));
        }
        int answered = status;
        String kept = answer;
        // answered once it is on disk, so what the caller was told survives a crash
        journal
            .commit()
            .onComplete(
                written -> {
                  if (written.succeeded()) {
                    respond(ctx, answered, kept, false, request.id());
                  } else {
                    internalError(ctx, written.cause());
                  }
                });
      } catch (StripeApiError e) {
        fail(ctx, e);
      } catch (RuntimeException e) {
        internalError(ctx, e);
      }
    };
  }

  /**
   * {@code expand[]=payment_intent} or {@code expand[]=payment_intent.latest_charge}: ids become
   * the objects they name.
   */
  private JsonObject expand(JsonObject object, StripeParams params) {
    for (String path : params.texts("expand")) {
      expandPath(object, List.of(path.split("\\.")), path);
    }
    return object;
  }

  private void expandPath(JsonObject object, List<String> path, String whole) {
    String field = path.get(0);
    Object value = object.getValue(field);
    if ("line_items".equals(field) && "checkout.session".equals(object.getString("object"))) {
      object.put(field, account.session(object.getString("id")).lineItemsJson());
      return;
    }
    if (value instanceof String id) {
      JsonObject found = account.find(id);
      if (found == null) {
        throw StripeApiError.invalidRequest(
            "This property cannot be expanded (" + whole + ").",
            "expand",
            "parameter_invalid_string");
      }
      object.put(field, found);
      value = found;
    } else if ((value != null && !(value instanceof JsonObject))
        || (value == null && !object.containsKey(field))) {
      throw StripeApiError.invalidRequest(
          "This property cannot be expanded (" + whole + ").",
          "expand",
          "parameter_invalid_string");
    }
    if (path.size() > 1 && value instanceof JsonObject nested) {
      expandPath(nested, path.subList(1, path.size()), whole);
    }
  }

  static void fail(RoutingContext ctx, StripeApiError error) {
    respond(ctx, error.status(), error.toJson().encode(), false, StripeIds.next("req_"));
  }

  static void internalError(RoutingContext ctx, Throwable e) {
    LOG.error("Stripe emulator: {} {} failed", ctx.request().method(), ctx.request().path(), e);
    respond(
        ctx,
        500,
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("type", "api_error")
                    .put("message", "The Stripe emulator could not handle this request."))
            .encode(),
        false,
        StripeIds.next("req_"));
  }

  private static void respond(
      RoutingContext ctx, int status, String body, boolean replayed, String requestId) {
    HttpServerResponse response =
        ctx.response()
            .setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-store")
            .putHeader("Request-Id", requestId)
            .putHeader("Stripe-Version", StripeEvents.API_VERSION);
    if (replayed) {
      response.putHeader("Idempotent-Replayed", "true");
    }
    response.end(body);
  }
}
