package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin dashboard and sales report through REST. Other test classes share the database, so each
 * test reads the figures, makes known paid orders and refunds, reads again and checks every change
 * exactly.
 */
@ExtendWith(TestPlatform.class)
class AdminReportsIT {
  private static final String DASHBOARD = "/api/v1/admin/dashboard";
  private static final String SALES = "/api/v1/admin/reports/sales";

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static JsonObject read(Api api, String token, String path) {
    Api.Response r = api.get(path, token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static JsonObject refund(Api api, String admin, String orderId, long amount) {
    Api.Response r =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + orderId + "/refund",
            admin,
            new JsonObject().put("amount", amount).put("reason", "a scratched bowl"),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static JsonObject usd(JsonObject dashboard) {
    return dashboard.getJsonArray("revenue").stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getString("currency").equals("usd"))
        .findFirst()
        .orElse(
            new JsonObject()
                .put("gross", 0L)
                .put("refunds", 0L)
                .put("revenue", 0L)
                .put("orders", 0L));
  }

  private static long newUsers(JsonObject dashboard) {
    return dashboard.getJsonArray("newUsers").stream()
        .mapToLong(d -> ((JsonObject) d).getLong("count"))
        .sum();
  }

  private static long sum(List<JsonObject> orders, String field) {
    return orders.stream().mapToLong(o -> o.getLong(field)).sum();
  }

  @Test
  void dashboardCountsTheOrdersPaidInTheWindowExactly(Api api) throws Exception {
    String admin = admin(api);
    JsonObject before = read(api, admin, DASHBOARD);

    // priced far above what other tests sell, so it leads both top lists
    Product star = product(api, 400_000, 110);
    Paid first = paidOrder(api, star, 60);
    Paid second = paidOrder(api, star, 40);
    JsonObject refunded = refund(api, admin, second.id(), 1_234);
    Accounts.Account lowSeller = Accounts.signedIn(api, "seller");
    String lowSku = "LOW-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response low =
        api.post(
            "/api/v1/products",
            lowSeller.accessToken(),
            new JsonObject()
                .put("name", "Chipped, but loved")
                .put("price", 900)
                .put("currency", "usd")
                .put("lowStockThreshold", 3)
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", lowSku).put("stock", 0))));
    assertThat(low.status()).as(low.toString()).isEqualTo(201);
    int registered = 4; // star's seller, two buyers, the low-stock seller

    JsonObject after = read(api, admin, DASHBOARD);
    assertThat(after.getString("timeZone")).isEqualTo("UTC");
    List<JsonObject> orders = List.of(first.order(), refunded);

    JsonObject was = usd(before);
    JsonObject now = usd(after);
    long gross = sum(orders, "total");
    assertThat(now.getLong("orders") - was.getLong("orders")).isEqualTo(2);
    assertThat(now.getLong("gross") - was.getLong("gross")).isEqualTo(gross);
    assertThat(now.getLong("refunds") - was.getLong("refunds")).isEqualTo(1_234);
    assertThat(now.getLong("revenue") - was.getLong("revenue")).isEqualTo(gross - 1_234);
    assertThat(now.getLong("revenue")).isEqualTo(now.getLong("gross") - now.getLong("refunds"));
    assertThat(now.getLong("averageOrderValue"))
        .as("gross / orders, half up")
        .isEqualTo(
            BigDecimal.valueOf(now.getLong("gross"))
                .divide(BigDecimal.valueOf(now.getLong("orders")), 0, RoundingMode.HALF_UP)
                .longValueExact());

    JsonObject statusBefore = before.getJsonObject("ordersByStatus");
    JsonObject statusAfter = after.getJsonObject("ordersByStatus");
    assertThat(statusAfter.fieldNames())
        .containsExactlyInAnyOrder(
            "pending_payment",
            "paid",
            "processing",
            "shipped",
            "delivered",
            "cancelled",
            "refunded");
    assertThat(refunded.getString("status")).isEqualTo("paid");
    // the sweeper may move other tests' unpaid orders meanwhile, so only the paid count and the
    // total are ours alone
    assertThat(statusAfter.getLong("paid") - statusBefore.getLong("paid")).isEqualTo(2);
    assertThat(
            statusAfter.fieldNames().stream()
                .mapToLong(st -> statusAfter.getLong(st) - statusBefore.getLong(st))
                .sum())
        .isEqualTo(2);

    JsonObject byUnits =
        after.getJsonObject("topProducts").getJsonArray("byUnits").getJsonObject(0);
    JsonObject byRevenue =
        after.getJsonObject("topProducts").getJsonArray("byRevenue").getJsonObject(0);
    for (JsonObject top : List.of(byUnits, byRevenue)) {
      assertThat(top.getString("productId")).as(after.encodePrettily()).isEqualTo(star.id());
      assertThat(top.getString("sku")).isEqualTo(star.sku());
      assertThat(top.getString("name")).isEqualTo("Walnut bowl " + star.sku());
      assertThat(top.getLong("units")).isEqualTo(100);
      assertThat(top.getLong("revenue")).isEqualTo(100 * 400_000L);
      assertThat(top.getString("currency")).isEqualTo("usd");
    }

    JsonObject lowest = after.getJsonArray("lowStock").getJsonObject(0);
    assertThat(lowest.getMap())
        .as("the newest product with nothing available comes first")
        .containsEntry("productId", low.json().getString("id"))
        .containsEntry("sku", lowSku)
        .containsEntry("name", "Chipped, but loved")
        .containsEntry("sellerId", lowSeller.id())
        .containsEntry("available", 0)
        .containsEntry("threshold", 3);

    JsonArray days = after.getJsonArray("newUsers");
    assertThat(days).as("the last 30 days touch 31 UTC days").hasSize(31);
    assertThat(days.getJsonObject(30).getString("date"))
        .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(newUsers(after) - newUsers(before)).isEqualTo(registered);
  }

  @Test
  void salesReportSumsEachUtcPeriodWithEmptyPeriodsAsZeros(Api api) throws Exception {
    String admin = admin(api);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String window =
        SALES + "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1) + "&groupBy=day";
    JsonObject before = read(api, admin, window);

    String code =
        "R" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
    Api.Response discount =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject().put("code", code).put("type", "fixed").put("value", 500));
    assertThat(discount.status()).as(discount.toString()).isEqualTo(201);
    Product p = product(api, 7_000, 20);
    Accounts.Account buyer = buyer(api, p, 3);
    Api.Response applied =
        api.post("/api/v1/cart/discount", buyer.accessToken(), new JsonObject().put("code", code));
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    JsonObject discounted = orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    assertThat(discounted.getLong("discount")).isEqualTo(500);
    Paid plain = paidOrder(api, p, 2);
    JsonObject refunded = refund(api, admin, plain.id(), 700);
    List<JsonObject> orders = List.of(discounted, refunded);

    JsonObject after = read(api, admin, window);
    assertThat(after.getString("timeZone")).isEqualTo("UTC");
    assertThat(after.getString("groupBy")).isEqualTo("day");
    assertThat(after.getString("currency")).isEqualTo("usd");
    JsonArray periods = after.getJsonArray("periods");
    assertThat(periods.stream().map(x -> ((JsonObject) x).getString("period")))
        .containsExactly(
            today.minusDays(1).toString(), today.toString(), today.plusDays(1).toString());
    JsonObject tomorrow = periods.getJsonObject(2);
    for (String figure :
        List.of("orders", "units", "gross", "discounts", "refunds", "net", "shipping", "tax")) {
      assertThat(tomorrow.getLong(figure)).as("nothing sold tomorrow: " + figure).isZero();
    }
    JsonObject was = before.getJsonObject("totals");
    JsonObject now = after.getJsonObject("totals");
    long gross = sum(orders, "subtotal");
    assertThat(now.getLong("orders") - was.getLong("orders")).isEqualTo(2);
    assertThat(now.getLong("units") - was.getLong("units")).isEqualTo(5);
    assertThat(now.getLong("gross") - was.getLong("gross")).isEqualTo(gross).isEqualTo(5 * 7_000);
    assertThat(now.getLong("discounts") - was.getLong("discounts")).isEqualTo(500);
    assertThat(now.getLong("refunds") - was.getLong("refunds")).isEqualTo(700);
    assertThat(now.getLong("net") - was.getLong("net")).isEqualTo(gross - 500 - 700);
    assertThat(now.getLong("shipping") - was.getLong("shipping"))
        .isEqualTo(sum(orders, "shipping"));
    assertThat(now.getLong("tax") - was.getLong("tax")).isEqualTo(sum(orders, "tax"));

    // the CSV says the same as the JSON, row for row
    Api.Response csv = api.get(window + "&format=csv", admin);
    assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(csv.header("Content-Disposition"))
        .isEqualTo(
            "attachment; filename=\"sales-"
                + today.minusDays(1)
                + "-"
                + today.plusDays(1)
                + "-day.csv\"");
    List<List<String>> rows = parseCsv(csv.body().toString());
    assertThat(rows.get(0))
        .containsExactly(
            "period (UTC)",
            "currency",
            "orders",
            "units",
            "gross",
            "discounts",
            "refunds",
            "net",
            "shipping",
            "tax");
    assertThat(rows).hasSize(4);
    for (int i = 0; i < 3; i++) {
      JsonObject period = periods.getJsonObject(i);
      List<String> row = rows.get(i + 1);
      assertThat(row)
          .containsExactly(
              period.getString("period"),
              "usd",
              "" + period.getLong("orders"),
              "" + period.getLong("units"),
              "" + period.getLong("gross"),
              "" + period.getLong("discounts"),
              "" + period.getLong("refunds"),
              "" + period.getLong("net"),
              "" + period.getLong("shipping"),
              "" + period.getLong("tax"));
    }
  }

  @Test
  void weeksStartOnMondayAndMonthsOnTheFirstWithEveryPeriodListed(Api api) {
    String admin = admin(api);
    JsonArray weeks =
        read(api, admin, SALES + "?from=2001-01-03&to=2001-01-14&groupBy=week")
            .getJsonArray("periods");
    assertThat(weeks.stream().map(x -> ((JsonObject) x).getString("period")))
        .containsExactly("2001-01-01", "2001-01-08");
    JsonArray months =
        read(api, admin, SALES + "?from=2001-01-15T10:00:00Z&to=2001-03-02&groupBy=month")
            .getJsonArray("periods");
    assertThat(months.stream().map(x -> ((JsonObject) x).getString("period")))
        .containsExactly("2001-01-01", "2001-02-01", "2001-03-01");
    assertThat(months.getJsonObject(1).getLong("orders")).isZero();

    Api.Response csv =
        api.get(SALES + "?from=2001-01-01&to=2001-01-03&groupBy=day&format=csv", admin);
    assertThat(csv.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"sales-2001-01-01-2001-01-03-day.csv\"");
    List<List<String>> rows = parseCsv(csv.body().toString());
    assertThat(rows).hasSize(4);
    assertThat(rows.get(3))
        .containsExactly("2001-01-03", "usd", "0", "0", "0", "0", "0", "0", "0", "0");
    assertThat(csv.body().toString()).endsWith("\r\n");
  }

  @Test
  void reportsAreForAdminsAndRefuseBadParametersNamingTheField(Api api) {
    String admin = admin(api);
    String customer = Accounts.signedIn(api, null).accessToken();
    String seller = Accounts.signedIn(api, "seller").accessToken();
    for (String path : List.of(DASHBOARD, SALES)) {
      assertThat(api.get(path, customer).status()).as(path).isEqualTo(403);
      assertThat(api.get(path, seller).status()).as(path).isEqualTo(403);
      assertThat(api.get(path).status()).as(path).isEqualTo(401);
      refused(api, admin, path + "?from=yesterday", "from");
      refused(api, admin, path + "?to=2026-02-30", "to");
      refused(api, admin, path + "?from=2026-03-03&to=2026-03-01", "from");
      refused(api, admin, path + "?from=2020-01-01&to=2021-12-31", "to");
      refused(api, admin, path + "?from=2026-01-01&from=2026-01-02", "from");
      refused(api, admin, path + "?since=2026-01-01", "since");
    }
    refused(api, admin, SALES + "?groupBy=year", "groupBy");
    refused(api, admin, SALES + "?format=xml", "format");
    refused(api, admin, SALES + "?currency=USD", "currency");
    refused(api, admin, DASHBOARD + "?groupBy=day", "groupBy");
    assertThat(
            api.get(SALES + "?from=2001-01-01&to=2001-12-31&groupBy=day", admin)
                .json()
                .getJsonArray("periods"))
        .as("a whole year is allowed")
        .hasSize(365);
  }

  private static void refused(Api api, String admin, String path, String field) {
    Api.Response r = api.get(path, admin);
    assertThat(r.status()).as(path + " " + r).isEqualTo(422);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .as(path)
        .isEqualTo(field);
  }

  /** RFC 4180: CRLF rows, quoted fields with doubled quotes. */
  private static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    assertThat(field.length() + row.size()).as("the last row ends with CRLF").isZero();
    return rows;
  }
}
