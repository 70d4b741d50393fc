package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /orders/{id}/invoice}: a paid order's PDF, for its customer or an admin. */
@ExtendWith(TestPlatform.class)
class InvoicesIT {

  /** A customer's order of two products of one seller, paid or only checked out. */
  private record Bought(
      String orderId,
      Accounts.Account buyer,
      Accounts.Account seller,
      String sellerName,
      List<String> names) {}

  private static String product(Api api, String sellerToken, String name, long price) {
    String sku = "INV-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response r =
        api.post(
            "/api/v1/products",
            sellerToken,
            new JsonObject()
                .put("name", name)
                .put("price", price)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 10))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static Bought order(Api api, boolean pay) throws Exception {
    return order(
        api, pay, "Oakhill Woodworks ", List.of("Walnut bowl ", "Cherry spoon "), "Ada Lovelace");
  }

  /**
   * The seller's name and the products' names start with the given text; the buyer's address bears
   * {@code buyerName}.
   */
  private static Bought order(
      Api api, boolean pay, String sellerPrefix, List<String> productPrefixes, String buyerName)
      throws Exception {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sellerName = sellerPrefix + seller.id().substring(0, 6);
    Api.Response named =
        api.patch(
            "/api/v1/users/me", seller.accessToken(), new JsonObject().put("fullName", sellerName));
    assertThat(named.status()).as(named.toString()).isEqualTo(200);
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    List<String> names = List.of(productPrefixes.get(0) + suffix, productPrefixes.get(1) + suffix);
    Accounts.Account buyer = Accounts.signedIn(api, null);
    for (var p :
        Map.of(
                product(api, seller.accessToken(), names.get(0), 2_400),
                2,
                product(api, seller.accessToken(), names.get(1), 1_350),
                1)
            .entrySet()) {
      Api.Response added =
          api.post(
              "/api/v1/cart/items",
              buyer.accessToken(),
              new JsonObject().put("productId", p.getKey()).put("quantity", p.getValue()));
      assertThat(added.status()).as(added.toString()).isEqualTo(200);
    }
    JsonObject body =
        Checkouts.checkoutBody("US")
            .put(
                "address",
                new JsonObject()
                    .put("name", buyerName)
                    .put("line1", "1 Analytical Row")
                    .put("city", "Boston")
                    .put("postalCode", "02110")
                    .put("country", "US"));
    Api.Response started =
        Checkouts.checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), body);
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String orderId = started.json().getString("orderId");
    if (pay) {
      assertThat(Checkouts.pay(started.json().getString("checkoutUrl"), Checkouts.PAYS))
          .isEqualTo(303);
      Checkouts.orderOnceItIs(api, buyer.accessToken(), orderId, "paid");
    }
    return new Bought(orderId, buyer, seller, sellerName, names);
  }

  private static String invoicePath(Bought b) {
    return "/api/v1/orders/" + b.orderId() + "/invoice";
  }

  private static String text(Api.Response r) throws Exception {
    try (PDDocument pdf = Loader.loadPDF(r.body().getBytes())) {
      return new PDFTextStripper().getText(pdf);
    }
  }

  @Test
  void chineseAndAccentedNamesShowOnTheInvoiceAsWritten(Api api) throws Exception {
    Bought b =
        order(api, true, "木工坊 Ŝtudio ", List.of("青花瓷茶碗 ", "Łódź spoon "), "王小明 Zoë Ångström");
    Api.Response r = api.get(invoicePath(b), b.buyer().accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(text(r))
        .contains(b.names().get(0), b.names().get(1), b.sellerName(), "王小明 Zoë Ångström")
        .doesNotContain("?");
  }

  @Test
  void aPaidOrdersInvoiceIsAPdfWithItsTotalLinesSellerAndPaymentReference(Api api)
      throws Exception {
    Bought b = order(api, true);
    Api.Response r = api.get(invoicePath(b), b.buyer().accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/pdf");
    assertThat(r.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"invoice-" + b.orderId() + ".pdf\"");
    assertThat(r.header("Cache-Control")).isEqualTo("private, no-store");

    JsonObject order = api.get("/api/v1/orders/" + b.orderId(), b.buyer().accessToken()).json();
    long total = order.getLong("total");
    // 2 × 24.00 + 13.50: free shipping from 50.00, no tax to the US
    assertThat(total).isEqualTo(6_150);
    String paymentIntent =
        TestPlatform.db()
            .preparedQuery("SELECT payment_intent_id FROM ordering.orders WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(b.orderId())))
            .await()
            .iterator()
            .next()
            .getString(0);
    assertThat(paymentIntent).startsWith("pi_");
    String text = text(r);
    assertThat(text)
        .contains("Total " + String.format("USD %d.%02d", total / 100, total % 100))
        .contains(
            b.names().get(0),
            b.names().get(1),
            b.sellerName(),
            paymentIntent,
            b.buyer().email(),
            "Ada Lovelace");

    Api.Response asAdmin =
        api.get(
            invoicePath(b),
            Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD)
                .accessToken());
    assertThat(asAdmin.status()).as(asAdmin.toString()).isEqualTo(200);
    assertThat(text(asAdmin))
        .as("the buyer's email, not the admin's")
        .contains(b.buyer().email(), paymentIntent);
  }

  @Test
  void onlyTheCustomerOrAnAdminGetsTheInvoice(Api api) throws Exception {
    Bought b = order(api, true);
    Api.Response stranger = api.get(invoicePath(b), Accounts.signedIn(api, null).accessToken());
    assertThat(stranger.status())
        .as("another customer's order does not exist for them")
        .isEqualTo(404);
    assertThat(stranger.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.get(invoicePath(b), b.seller().accessToken()).status())
        .as("the seller of its items")
        .isEqualTo(403);
    assertThat(api.get(invoicePath(b), Accounts.signedIn(api, "seller").accessToken()).status())
        .as("another seller")
        .isEqualTo(404);
    assertThat(api.get(invoicePath(b), null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/orders/not-an-id/invoice", b.buyer().accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void anOrderAwaitingPaymentHasNoInvoiceYet(Api api) throws Exception {
    Bought b = order(api, false);
    Api.Response r = api.get(invoicePath(b), b.buyer().accessToken());
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("detail")).contains("no invoice yet");
  }
}
