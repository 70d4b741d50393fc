package io.emporium.deploy.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkout benchmark against a running platform in embedded mode (the Stripe emulator and {@code /dev/mailbox}).
 *
 * <p>One seller lists one product with ample stock; N buyers, each signed up through REST and sending from a
 * loopback address of its own (the per-address login limit counts them apart), loop: add one item to the cart →
 * {@code POST /checkout} with a fresh {@code Idempotency-Key} → pay on the emulator's hosted page → poll
 * {@code GET /orders/{id}} until it is {@code paid} (webhook → payment inbox → Kafka → ordering).
 *
 * <p>After a warm-up it measures, over a fixed window: completed (paid) checkouts per second, p50/p99 of each
 * step's latency (the checkout request is the headline; "paid after pay" is the asynchronous settlement as the
 * client sees it, so it includes up to one poll interval), and failures by step and status.
 *
 * <p>Usage: {@code CheckoutBench <baseUrl> [buyers=32] [seconds=60] [warmUpSeconds=10] [pollMillis=20]}
 */
public final class CheckoutBench {
  private static final String PASSWORD = "Bench-Checkout-Lantern-7";
  private static final String PAYS = "4242424242424242";
  private static final int STOCK = 1_000_000;
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  private static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
  private static final Pattern CODE = Pattern.compile("verification code is (\\d{6})");
  private static final JsonObject CHECKOUT = new JsonObject()
      .put("address", new JsonObject().put("name", "Bench Buyer").put("line1", "1 Load Street").put("city", "London")
          .put("postalCode", "SW1A 1AA").put("country", "GB"))
      .put("successUrl", "https://shop.example/thanks").put("cancelUrl", "https://shop.example/cart");

  private record Buyer(WebClient client, String token) {}

  private final Vertx vertx;
  private final URI base;
  private final int buyers;
  private final long measureNanos;
  private final long warmUpNanos;
  private final long pollMillis;

  // Everything below is touched only on the one context run() starts on, so it needs no locking.
  private final Latencies addToCart = new Latencies();
  private final Latencies checkout = new Latencies();
  private final Latencies pay = new Latencies();
  private final Latencies paidAfterPay = new Latencies();
  private final Map<String, Integer> errors = new TreeMap<>();
  private long completed;
  private long polls;
  private long measureFrom;
  private long measureUntil;
  private long cpuAtMeasureFrom;
  private long cpuAtMeasureUntil;
  private int clients;
  private String productId;

  public CheckoutBench(Vertx vertx, URI base, int buyers, long seconds, long warmUpSeconds, long pollMillis) {
    this.vertx = vertx;
    this.base = base;
    this.buyers = buyers;
    this.measureNanos = TimeUnit.SECONDS.toNanos(seconds);
    this.warmUpNanos = TimeUnit.SECONDS.toNanos(warmUpSeconds);
    this.pollMillis = pollMillis;
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 5) {
      System.err.println("usage: CheckoutBench <baseUrl> [buyers=32] [seconds=60] [warmUpSeconds=10] [pollMillis=20]");
      System.exit(2);
    }
    CheckoutBench bench = new CheckoutBench(Vertx.vertx(), URI.create(args[0]), argument(args, 1, 32), argument(args, 2, 60),
        argument(args, 3, 10), argument(args, 4, 20));
    Promise<String> summary = Promise.promise();
    bench.vertx.getOrCreateContext().runOnContext(v -> bench.run().onComplete(summary));
    int exit = 0;
    try {
      System.out.println(summary.future().await());
    } catch (RuntimeException failed) {
      System.err.println("checkout benchmark failed: " + failed.getMessage() + (failed.getCause() == null ? "" : ": " + failed.getCause().getMessage()));
      exit = 1;
    }
    bench.vertx.close().await();
    System.exit(exit);
  }

  private static int argument(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }

  /** Sets up the seller, the product and the buyers, runs the loops and answers the summary. */
  public Future<String> run() {
    long setupStart = System.nanoTime();
    return signUp("seller").compose(this::listProduct).compose(v -> {
      List<Future<Buyer>> signUps = new ArrayList<>();
      for (int i = 0; i < buyers; i++) {
        signUps.add(signUp(null));
      }
      return Future.all(signUps).map(all -> signUps.stream().map(Future::result).toList());
    }).compose(ready -> {
      System.out.printf("setup: a seller, a product of %d units and %d buyers signed up in %.1f s%n", STOCK, buyers,
          (System.nanoTime() - setupStart) / 1e9);
      measureFrom = System.nanoTime() + warmUpNanos;
      measureUntil = measureFrom + measureNanos;
      vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(warmUpNanos)), t -> {
        cpuAtMeasureFrom = processCpuNanos();
        System.out.printf("warm-up over: measuring %d s%n", TimeUnit.NANOSECONDS.toSeconds(measureNanos));
      });
      vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(warmUpNanos + measureNanos), t -> {
        cpuAtMeasureUntil = processCpuNanos();
        System.out.println("measured: letting checkouts in flight finish");
      });
      List<Future<Void>> loops = new ArrayList<>();
      for (Buyer buyer : ready) {
        Promise<Void> done = Promise.promise();
        buyRepeatedly(buyer, done);
        loops.add(done.future());
      }
      return Future.all(loops);
    }).map(v -> summary());
  }

  private WebClient newClient() {
    int n = clients++;
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost(base.getHost()).setDefaultPort(base.getPort())
        .setLocalAddress("127.0." + (1 + n / 250) + "." + (2 + n % 250)).setFollowRedirects(false));
  }

  /** Registers, verifies the email with the code from the development mailbox, logs in. */
  private Future<Buyer> signUp(String accountType) {
    WebClient client = newClient();
    String email = (accountType == null ? "buyer" : accountType) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    JsonObject registration = new JsonObject().put("email", email).put("password", PASSWORD).put("fullName", "Load Tester");
    if (accountType != null) {
      registration.put("accountType", accountType);
    }
    long deadline = System.nanoTime() + SETTLE_TIMEOUT_NS;
    return expect("register", 201, () -> client.post("/api/v1/auth/register").timeout(REQUEST_TIMEOUT_MS).sendJsonObject(registration))
        .compose(r -> mailedCode(client, email, deadline))
        .compose(code -> expect("verify-email", 200, () -> client.post("/api/v1/auth/verify-email").timeout(REQUEST_TIMEOUT_MS)
            .sendJsonObject(new JsonObject().put("email", email).put("code", code))))
        .compose(r -> expect("login", 200, () -> client.post("/api/v1/auth/login").timeout(REQUEST_TIMEOUT_MS)
            .sendJsonObject(new JsonObject().put("email", email).put("password", PASSWORD))))
        .map(r -> new Buyer(client, r.bodyAsJsonObject().getString("accessToken")));
  }

  private Future<String> mailedCode(WebClient client, String email, long deadline) {
    return expect("mailbox", 200, () -> client.get("/dev/mailbox?to=" + email).timeout(REQUEST_TIMEOUT_MS).send()).compose(r -> {
      JsonArray mails = r.bodyAsJsonArray();
      for (int i = mails.size() - 1; i >= 0; i--) {
        Matcher m = CODE.matcher(mails.getJsonObject(i).getString("text", ""));
        if (m.find()) {
          return Future.succeededFuture(m.group(1));
        }
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture("no verification mail to " + email + " within 30 s");
      }
      return vertx.timer(100).compose(t -> mailedCode(client, email, deadline));
    });
  }

  private Future<Void> listProduct(Buyer seller) {
    String sku = "BENCH-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    JsonObject product = new JsonObject().put("name", "Benchmark kettle " + sku).put("price", 2_400).put("currency", "usd")
        .put("variants", new JsonArray().add(new JsonObject().put("sku", sku).put("stock", STOCK)));
    return expect("create product", 201, () -> seller.client().post("/api/v1/products").bearerTokenAuthentication(seller.token())
        .timeout(REQUEST_TIMEOUT_MS).sendJsonObject(product))
        .onSuccess(r -> productId = r.bodyAsJsonObject().getString("id")).mapEmpty();
  }

  /** One purchase after another until the window closes; a failed one is counted, its cart emptied, and the loop goes on. */
  private void buyRepeatedly(Buyer buyer, Promise<Void> done) {
    if (System.nanoTime() >= measureUntil) {
      done.complete();
      return;
    }
    buyOnce(buyer).recover(failure -> {
      if (measuring(System.nanoTime())) {
        errors.merge(failure.getMessage(), 1, Integer::sum);
      }
      // a short pause, so a platform that refuses everything is not hammered in a tight loop
      return buyer.client().delete("/api/v1/cart").bearerTokenAuthentication(buyer.token()).timeout(REQUEST_TIMEOUT_MS).send()
          .<Void>mapEmpty().otherwiseEmpty().compose(v -> vertx.timer(100));
    }).onComplete(v -> buyRepeatedly(buyer, done));
  }

  private Future<Void> buyOnce(Buyer buyer) {
    WebClient client = buyer.client();
    return timed("cart", 200, addToCart, () -> client.post("/api/v1/cart/items").bearerTokenAuthentication(buyer.token())
        .timeout(REQUEST_TIMEOUT_MS).sendJsonObject(new JsonObject().put("productId", productId).put("quantity", 1)))
        .compose(added -> timed("checkout", 201, checkout, () -> client.post("/api/v1/checkout").bearerTokenAuthentication(buyer.token())
            .putHeader("Idempotency-Key", UUID.randomUUID().toString()).timeout(REQUEST_TIMEOUT_MS).sendJsonObject(CHECKOUT)))
        .compose(started -> {
          JsonObject session = started.bodyAsJsonObject();
          return timed("pay", 303, pay, () -> client.postAbs(session.getString("checkoutUrl") + "/pay").timeout(REQUEST_TIMEOUT_MS)
              .sendForm(MultiMap.caseInsensitiveMultiMap().add("card", PAYS)))
              .compose(paid -> {
                Promise<Void> settled = Promise.promise();
                pollUntilPaid(buyer, session.getString("orderId"), System.nanoTime(), settled);
                return settled.future();
              });
        });
  }

  private void pollUntilPaid(Buyer buyer, String orderId, long paidAt, Promise<Void> settled) {
    if (measuring(System.nanoTime())) {
      polls++;
    }
    expect("order", 200, () -> buyer.client().get("/api/v1/orders/" + orderId).bearerTokenAuthentication(buyer.token())
        .timeout(REQUEST_TIMEOUT_MS).send()).onFailure(settled::fail).onSuccess(r -> {
          long now = System.nanoTime();
          String status = r.bodyAsJsonObject().getString("status");
          if ("paid".equals(status)) {
            if (measuring(paidAt)) {
              paidAfterPay.add(now - paidAt);
            }
            if (measuring(now)) {
              completed++;
            }
            settled.complete();
          } else if (!"pending_payment".equals(status)) {
            settled.fail(failure("order " + status));
          } else if (now - paidAt > SETTLE_TIMEOUT_NS) {
            settled.fail(failure("order still pending_payment 30 s after pay"));
          } else {
            vertx.setTimer(pollMillis, t -> pollUntilPaid(buyer, orderId, paidAt, settled));
          }
        });
  }

  /** The request, its latency recorded when it started inside the measured window. */
  private Future<HttpResponse<Buffer>> timed(String step, int expected, Latencies latencies, Supplier<Future<HttpResponse<Buffer>>> request) {
    long start = System.nanoTime();
    return expect(step, expected, request).onSuccess(r -> {
      if (measuring(start)) {
        latencies.add(System.nanoTime() - start);
      }
    });
  }

  /** The response when its status is the expected one; else a failure named by step and status (or by error). */
  private static Future<HttpResponse<Buffer>> expect(String step, int expected, Supplier<Future<HttpResponse<Buffer>>> request) {
    return request.get().transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(failure(step + " " + ar.cause().getClass().getSimpleName()));
      }
      if (ar.result().statusCode() != expected) {
        // errors are counted by step and status; the body rides along as the cause for a failed setup to show
        return Future.failedFuture(VertxException.noStackTrace(step + " " + ar.result().statusCode(),
            VertxException.noStackTrace(ar.result().bodyAsString())));
      }
      return Future.succeededFuture(ar.result());
    });
  }

  private static VertxException failure(String what) {
    return VertxException.noStackTrace(what);
  }

  private boolean measuring(long nanos) {
    return nanos >= measureFrom && nanos < measureUntil;
  }

  private String summary() {
    double seconds = measureNanos / 1e9;
    StringBuilder out = new StringBuilder();
    out.append(String.format("checkout benchmark: %d buyers, %.0f s measured after %d s warm-up, orders polled every %d ms%n",
        buyers, seconds, TimeUnit.NANOSECONDS.toSeconds(warmUpNanos), pollMillis));
    out.append(String.format("completed checkouts  %d paid = %.1f/s%n", completed, completed / seconds));
    out.append(line("checkout", checkout));
    out.append(line("pay", pay));
    out.append(line("paid after pay", paidAfterPay));
    out.append(line("add to cart", addToCart));
    out.append(String.format("order polls          %d = %.0f/s%n", polls, polls / seconds));
    out.append(String.format("load client CPU      %.2f cores%n", (cpuAtMeasureUntil - cpuAtMeasureFrom) / (double) measureNanos));
    out.append("errors               ").append(errors.isEmpty() ? "none" : errors.toString());
    return out.toString();
  }

  /** CPU time of this JVM, so the report can tell the client's share of the machine from the platform's. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String line(String step, Latencies latencies) {
    return String.format("%-20s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (n=%d)%n", step, latencies.percentileMillis(50),
        latencies.percentileMillis(99), latencies.percentileMillis(100), latencies.count());
  }
}
