package io.emporium.edge.http;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.RateLimit;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.FixedWindowCounter;
import io.emporium.edge.identity.domain.Caller;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request rate limits of {@code /api/v1}, after {@link Authn}: each request falls in a route group
 * and counts against its caller's fixed window in Redis (the user id when signed in, the client
 * address otherwise), so the limits hold across edge processes; far from its limit a caller is
 * counted on the event loop first and settled with Redis in batches ({@link RateCounts}). Every
 * counted response carries the IETF draft {@code RateLimit-*} headers; over the limit is 429 with
 * {@code Retry-After}.
 */
public final class RateLimits {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

  /** How long a request waits for its count before it goes through uncounted. */
  private static final long REDIS_WAIT_MS = 500;

  private static final long LOG_EVERY_MS = 10_000;

  /** The response headers, for CORS to expose. */
  public static final List<String> HEADERS =
      List.of("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy");

  /**
   * Route groups: each has its own budget, so browsing never spends what login or checkout need.
   */
  enum Group {
    READ,
    WRITE,
    AUTH,
    CHECKOUT,
    WEBHOOK
  }

  private final RateCounts counts;
  private final EmporiumConfig.RateLimits limits;
  private final AtomicLong lastLogged = new AtomicLong();

  /** One per event loop: the counts it keeps are its own. */
  public RateLimits(Vertx vertx, FixedWindowCounter counter, EmporiumConfig.RateLimits limits) {
    this.counts = new RateCounts(vertx, counter);
    this.limits = limits;
  }

  /** Route handler on the API router, mounted after {@link Authn}. */
  public void handle(RoutingContext ctx) {
    Group group = groupOf(ctx.request().method(), pathUnder(ctx));
    Caller caller = group == Group.WEBHOOK ? null : Authn.callerOrNull(ctx);
    RateLimit limit = limitOf(group, caller != null);
    String who = caller != null ? "user:" + caller.userId() : "address:" + Authn.clientAddress(ctx);
    String key =
        "emporium:rate:"
            + group.name().toLowerCase(Locale.ROOT)
            + ":"
            + limit.window().toSeconds()
            + ":"
            + who;
    counts
        .hit(key, limit.window(), limit.requests())
        .timeout(REDIS_WAIT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                // availability over limiting: with Redis down or slow the API still answers,
                // uncounted, and says so in the log
                long now = System.currentTimeMillis();
                long last = lastLogged.get();
                if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
                  LOG.atWarn()
                      .addKeyValue("requestId", RequestIds.of(ctx))
                      .setCause(ar.cause())
                      .log("rate limits not counted: Redis failed; letting requests through");
                }
                ctx.next();
                return;
              }
              FixedWindowCounter.Window window = ar.result();
              HttpServerResponse response = ctx.response();
              response
                  .putHeader("RateLimit-Limit", Integer.toString(limit.requests()))
                  .putHeader(
                      "RateLimit-Remaining",
                      Long.toString(Math.max(0, limit.requests() - window.count())))
                  .putHeader("RateLimit-Reset", Long.toString(window.secondsLeft()))
                  .putHeader(
                      "RateLimit-Policy", limit.requests() + ";w=" + limit.window().toSeconds());
              if (window.count() > limit.requests()) {
                ctx.fail(ApiProblem.tooManyRequests(window.secondsLeft()));
              } else {
                ctx.next();
              }
            });
  }

  /** The path below the API's mount point, without a trailing slash. */
  private static String pathUnder(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String mount = ctx.mountPoint();
    if (mount != null && path.startsWith(mount)) {
      path = path.substring(mount.endsWith("/") ? mount.length() - 1 : mount.length());
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  static Group groupOf(HttpMethod method, String path) {
    if (path.startsWith("/auth/")) {
      return Group.AUTH;
    }
    if (HttpMethod.POST.equals(method)) {
      return switch (path) {
        case "/payments/webhook", "/payments/paypal/webhook" -> Group.WEBHOOK;
        case "/checkout", "/checkout/confirm", "/payments/intents" -> Group.CHECKOUT;
        default -> Group.WRITE;
      };
    }
    return HttpMethod.GET.equals(method)
            || HttpMethod.HEAD.equals(method)
            || HttpMethod.OPTIONS.equals(method)
        ? Group.READ
        : Group.WRITE;
  }

  private RateLimit limitOf(Group group, boolean signedIn) {
    EmporiumConfig.GroupLimits limits =
        switch (group) {
          case READ -> this.limits.read();
          case WRITE -> this.limits.write();
          case AUTH -> this.limits.auth();
          case CHECKOUT -> this.limits.checkout();
          case WEBHOOK -> null;
        };
    return limits == null ? this.limits.webhook() : signedIn ? limits.user() : limits.anonymous();
  }
}
