package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The business metrics on {@code /metrics}, moved by known things done through REST. The platform
 * is shared with the other test classes, so each test reads the metrics before it acts and waits
 * for the rise it caused.
 */
@ExtendWith(TestPlatform.class)
class BusinessMetricsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Path DASHBOARD = Path.of("grafana/emporium-dashboard.json");

  /** A series of {@code metric} with {@code labels} that should rise by at least {@code by}. */
  private record Rise(String metric, Map<String, String> labels, double by) {
    double seen(ScrapedMetrics before, ScrapedMetrics now) {
      return now.value(metric, labels) - before.value(metric, labels);
    }

    @Override
    public String toString() {
      return metric + labels;
    }
  }

  private static Rise rise(String metric, double by, String... labels) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      m.put(labels[i], labels[i + 1]);
    }
    return new Rise(metric, m, by);
  }

  private static ScrapedMetrics scrapeUntil(Api api, Predicate<ScrapedMetrics> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    ScrapedMetrics now = ScrapedMetrics.of(api);
    while (!done.test(now) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      now = ScrapedMetrics.of(api);
    }
    return now;
  }

  private static void awaitRises(Api api, ScrapedMetrics before, Rise... rises)
      throws InterruptedException {
    ScrapedMetrics now =
        scrapeUntil(api, m -> List.of(rises).stream().allMatch(r -> r.seen(before, m) >= r.by()));
    for (Rise r : rises) {
      assertThat(r.seen(before, now)).as("rise of " + r).isGreaterThanOrEqualTo(r.by());
    }
  }

  /**
   * Rises of series only the test's own acts move: they must rise by exactly that, and stay there a
   * while.
   */
  private static void awaitExactRises(Api api, ScrapedMetrics before, Rise... rises)
      throws InterruptedException {
    awaitRises(api, before, rises);
    Thread.sleep(1_000);
    ScrapedMetrics now = ScrapedMetrics.of(api);
    for (Rise r : rises) {
      assertThat(r.seen(before, now)).as("rise of " + r + ", counted once").isEqualTo(r.by());
    }
  }

  @Test
  void aPaidCheckoutIsCountedFromOrderPlacedThroughReservationAndWebhookToItsMails(Api api)
      throws Exception {
    Product p = product(api, 1_500, 5);
    ScrapedMetrics before = ScrapedMetrics.of(api);

    paidOrder(api, p, 2);

    awaitRises(
        api,
        before,
        rise("emporium_order_status_changes_total", 1, "from", "none", "to", "pending_payment"),
        rise("emporium_order_status_changes_total", 1, "from", "pending_payment", "to", "paid"),
        rise("emporium_checkout_duration_seconds_count", 1, "outcome", "session_ready"),
        rise(
            "emporium_checkout_duration_seconds_bucket",
            1,
            "outcome",
            "session_ready",
            "le",
            "+Inf"),
        rise("emporium_order_placed_to_paid_seconds_count", 1),
        rise("emporium_stock_reservations_total", 1, "outcome", "held"),
        rise("emporium_stock_reservations_total", 1, "outcome", "committed"),
        // the session's completion or its intent's success, whichever arrives first, records the
        // payment
        rise("emporium_webhook_events_total", 1, "result", "applied"),
        rise("emporium_emails_total", 1, "kind", "order_confirmation", "result", "sent"),
        rise("emporium_emails_total", 1, "kind", "payment_receipt", "result", "sent"));
  }

  @Test
  void ordersByStatusAndUnitsHeldAreWhatTheDatabaseHoldsWithinARefresh(Api api) throws Exception {
    Product p = product(api, 900, 10);
    Accounts.Account buyer = buyer(api, p, 3);
    Api.Response started =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);

    ScrapedMetrics now =
        scrapeUntil(
            api,
            m ->
                ordersByStatus().entrySet().stream()
                        .allMatch(
                            e ->
                                m.value("emporium_orders", Map.of("status", e.getKey()))
                                    == e.getValue())
                    && m.value("emporium_stock_reserved_units") == unitsHeld());
    Map<String, Long> inDatabase = ordersByStatus();
    for (Map<String, String> series : now.series("emporium_orders")) {
      String status = series.get("status");
      assertThat(now.value("emporium_orders", series))
          .as("orders " + status)
          .isEqualTo((double) inDatabase.getOrDefault(status, 0L));
    }
    assertThat(now.series("emporium_orders"))
        .as("one series per status of the order machine")
        .hasSize(7);
    assertThat(now.value("emporium_orders", Map.of("status", "pending_payment")))
        .isGreaterThanOrEqualTo(1);
    assertThat(now.value("emporium_stock_reserved_units"))
        .as("units held")
        .isEqualTo((double) unitsHeld())
        .isGreaterThanOrEqualTo(3);
  }

  private static Map<String, Long> ordersByStatus() {
    Map<String, Long> counts = new HashMap<>();
    for (Row r :
        TestPlatform.db()
            .query("SELECT status, count(*) FROM ordering.orders GROUP BY status")
            .execute()
            .await()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static long unitsHeld() {
    return TestPlatform.db()
        .query("SELECT coalesce(sum(reserved), 0) FROM catalog.variants")
        .execute()
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aCheckoutShortOfStockCountsARefusedReservationAndACancelReleasesTheOther(Api api)
      throws Exception {
    Product p = product(api, 700, 1);
    Accounts.Account first = buyer(api, p, 1);
    Accounts.Account second = buyer(api, p, 1);
    ScrapedMetrics before = ScrapedMetrics.of(api);

    Api.Response held =
        checkout(api, first.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"));
    assertThat(held.status()).as(held.toString()).isEqualTo(201);
    Api.Response refused =
        checkout(api, second.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    Api.Response cancelled =
        api.post(
            "/api/v1/orders/" + held.json().getString("orderId") + "/cancel",
            first.accessToken(),
            new JsonObject());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);

    awaitRises(
        api,
        before,
        rise("emporium_stock_reservations_total", 1, "outcome", "held"),
        rise("emporium_stock_reservations_total", 1, "outcome", "refused"),
        rise("emporium_stock_reservations_total", 1, "outcome", "released"),
        rise("emporium_checkout_duration_seconds_count", 1, "outcome", "refused"),
        rise(
            "emporium_order_status_changes_total",
            2,
            "from",
            "pending_payment",
            "to",
            "cancelled"));
  }

  @Test
  void aRedeliveredWebhookIsADuplicateAForgedOneABadSignatureAndAStrangeTypeIsOther(Api api)
      throws Exception {
    JsonObject session =
        new JsonObject()
            .put("id", "cs_it_" + UUID.randomUUID().toString().replace("-", ""))
            .put("object", "checkout.session")
            .put("status", "expired")
            .put("metadata", new JsonObject());
    String expired = StripeWebhooks.event("checkout.session.expired", session);
    String strange =
        StripeWebhooks.event(
            "customer.created", new JsonObject().put("id", "cus_it").put("object", "customer"));
    ScrapedMetrics before = ScrapedMetrics.of(api);

    assertThat(StripeWebhooks.deliver(api, expired, StripeWebhooks.signature(expired)).status())
        .isEqualTo(200);
    assertThat(StripeWebhooks.deliver(api, expired, StripeWebhooks.signature(expired)).status())
        .isEqualTo(200);
    String forged =
        StripeWebhooks.signature(expired, Instant.now().getEpochSecond(), "whsec_not_ours");
    assertThat(StripeWebhooks.deliver(api, expired, forged).status()).isEqualTo(400);
    assertThat(StripeWebhooks.deliver(api, strange, StripeWebhooks.signature(strange)).status())
        .isEqualTo(200);

    awaitExactRises(
        api,
        before,
        rise(
            "emporium_webhook_events_total",
            1,
            "type",
            "checkout.session.expired",
            "result",
            "ignored"),
        rise(
            "emporium_webhook_events_total",
            1,
            "type",
            "checkout.session.expired",
            "result",
            "duplicate"),
        rise("emporium_webhook_events_total", 1, "type", "unknown", "result", "bad_signature"),
        rise("emporium_webhook_events_total", 1, "type", "other", "result", "ignored"));
    assertThat(ScrapedMetrics.of(api).series("emporium_webhook_events_total"))
        .extracting(s -> s.get("type"))
        .as("event types are a fixed set, whatever senders claim")
        .allMatch(
            type ->
                Set.of(
                        "checkout.session.completed",
                        "checkout.session.expired",
                        "payment_intent.succeeded",
                        "payment_intent.payment_failed",
                        "charge.refunded",
                        "CHECKOUT.ORDER.APPROVED",
                        "PAYMENT.CAPTURE.COMPLETED",
                        "PAYMENT.CAPTURE.DENIED",
                        "PAYMENT.CAPTURE.REFUNDED",
                        "other",
                        "unknown")
                    .contains(type));
  }

  @Test
  void requestsAreLabelledWithTheirRouteTemplateAndNoLabelCarriesAnId(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    assertThat(api.get("/api/v1/admin/audit", admin).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/products/" + UUID.randomUUID(), null).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/categories", null).status()).isEqualTo(200);
    assertThat(api.get("/eventbus/info", null).status()).isEqualTo(200);
    ScrapedMetrics scraped = ScrapedMetrics.of(api);

    Set<String> routes =
        scraped.series("vertx_http_server_requests_total").stream()
            .map(l -> l.get("route"))
            .collect(Collectors.toSet());
    assertThat(routes)
        .contains(
            "/api/v1/admin/audit", "/api/v1/products/:id", "/api/v1/categories", "/eventbus/info")
        .noneMatch(r -> r.contains(">"));
    assertThat(
            scraped.value(
                "vertx_http_server_requests_total",
                Map.of("route", "/api/v1/products/:id", "method", "GET", "code", "404")))
        .as("a failed request is labelled with its route too")
        .isGreaterThanOrEqualTo(1);
    assertThat(scraped.series("vertx_http_server_response_time_seconds_count"))
        .extracting(l -> l.get("route"))
        .contains("/api/v1/admin/audit")
        .noneMatch(r -> r.contains(">"));

    Pattern uuid =
        Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    Pattern number = Pattern.compile("\\d{6,}");
    List<String> ids =
        scraped.samples().stream()
            .flatMap(
                s ->
                    s.labels().entrySet().stream()
                        .filter(l -> !l.getKey().equals("le") && !l.getKey().equals("quantile"))
                        .filter(
                            l ->
                                uuid.matcher(l.getValue()).find()
                                    || number.matcher(l.getValue()).find())
                        .map(l -> s.name() + "{" + l.getKey() + "=" + l.getValue() + "}"))
            .distinct()
            .toList();
    assertThat(ids).as("label values that are ids, new every start or every request").isEmpty();
    assertThat(scraped.series("vertx_pool_in_use"))
        .extracting(l -> l.get("pool_name"))
        .contains("edge");
  }

  @Test
  void everyDashboardQueryReadsMetricsThePlatformExposesAndEveryBusinessMetricHasAPanel(Api api)
      throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertThat(
            dashboard.getJsonObject("templating").getJsonArray("list").stream()
                .map(v -> ((JsonObject) v).getString("name")))
        .contains("DS_PROMETHEUS");
    List<String> queries = new ArrayList<>();
    queries(dashboard.getJsonArray("panels"), queries);
    assertThat(queries).as("queries in " + DASHBOARD).hasSizeGreaterThan(15);
    Set<String> read = new HashSet<>();
    queries.forEach(q -> read.addAll(metricNames(q)));

    api.get("/health/live");
    ScrapedMetrics exposed = ScrapedMetrics.of(api);
    assertThat(exposed.names()).as("metrics the dashboard reads").containsAll(read);
    Set<String> business =
        exposed.names().stream()
            .filter(n -> n.startsWith("emporium_"))
            .map(BusinessMetricsIT::family)
            .collect(Collectors.toSet());
    assertThat(read.stream().map(BusinessMetricsIT::family).collect(Collectors.toSet()))
        .as("business metrics on the dashboard")
        .containsAll(business);
  }

  private static void queries(JsonArray panels, List<String> into) {
    for (Object o : panels) {
      JsonObject panel = (JsonObject) o;
      panel
          .getJsonArray("targets", new JsonArray())
          .forEach(t -> into.add(((JsonObject) t).getString("expr")));
      queries(panel.getJsonArray("panels", new JsonArray()), into);
    }
  }

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset");

  /**
   * The metric names a PromQL query reads: identifiers left once strings, label matchers, ranges
   * and grouping are gone.
   */
  static Set<String> metricNames(String query) {
    String bare =
        query
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^]]*\\]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new HashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String rest = bare.substring(m.end()).stripLeading();
      boolean function = rest.startsWith("(");
      if (!function
          && !KEYWORDS.contains(m.group())
          && (m.start() == 0 || !Character.isDigit(bare.charAt(m.start() - 1)))) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** The metric a sample belongs to, as the dashboard may read it through any of its samples. */
  private static String family(String sample) {
    return sample.replaceFirst("_(bucket|count|sum|max)$", "");
  }

  @Test
  void theQueryParserFindsMetricsNotFunctionsLabelsOrGrouping() {
    assertThat(
            metricNames(
                "histogram_quantile(0.95, sum by (le) (rate(emporium_checkout_duration_seconds_bucket{outcome=\"x\"}[$__rate_interval])))"))
        .containsExactly("emporium_checkout_duration_seconds_bucket");
    assertThat(
            metricNames("sum(rate(a_sum[5m])) / sum without (instance) (rate(a_count[1h])) * 60"))
        .containsExactlyInAnyOrder("a_sum", "a_count");
  }
}
