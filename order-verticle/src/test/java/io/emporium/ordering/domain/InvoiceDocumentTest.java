package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.StatusChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class InvoiceDocumentTest {
  private static final String ORDER_ID = "3f1c2a9e-5b7d-4e21-9a0c-7d64b1e2f388";
  private static final String SELLER = "0b8f3c1d-2a44-4f6e-8e1a-5c9d7e3b2a10";
  private static final String OTHER_SELLER = "6a2e9d4c-1b3f-4c8a-9e7d-2f5a1b6c3d40";

  private static OrderItem item(
      String name, String sku, String seller, long unitPrice, int quantity) {
    return OrderItem.newBuilder()
        .setProductId("a0000000-0000-4000-8000-000000000001")
        .setName(name)
        .setSku(sku)
        .setSellerId(seller)
        .setUnitPrice(unitPrice)
        .setQuantity(quantity)
        .setLineTotal(unitPrice * quantity)
        .build();
  }

  private static Order.Builder order() {
    return Order.newBuilder()
        .setId(ORDER_ID)
        .setCustomerId("c0000000-0000-4000-8000-000000000002")
        .setStatus("paid")
        .setPaymentStatus("paid")
        .setCurrency("usd")
        .addItems(item("Walnut bowl", "WB-001", SELLER, 2_400, 2))
        .addItems(item("Linen napkins, set of 4", "LN-004", OTHER_SELLER, 1_250, 1))
        .setSubtotal(6_050)
        .setDiscount(605)
        .setDiscountCode("SPRING10")
        .setShipping(0)
        .setTax(766)
        .setTotal(6_211)
        .setShippingAddress(
            Address.newBuilder()
                .setName("Ada Lovelace")
                .setLine1("12 St James's Square")
                .setCity("London")
                .setPostalCode("SW1Y 4JH")
                .setCountry("GB"))
        .setCreatedAt("2026-03-01T10:15:00Z")
        .setPaymentIntentId("pi_3QxExample0123456789")
        .addStatusHistory(
            StatusChange.newBuilder().setStatus("pending_payment").setAt("2026-03-01T10:15:00Z"))
        .addStatusHistory(
            StatusChange.newBuilder().setStatus("paid").setAt("2026-03-02T08:00:00Z"));
  }

  private static final Map<String, String> SELLERS =
      Map.of(SELLER, "Oakhill Woodworks", OTHER_SELLER, "Flax & Loom");

  private static String text(PDDocument pdf) throws IOException {
    return new PDFTextStripper().getText(pdf);
  }

  @Test
  void theInvoiceShowsTheLinesTheTotalsTheSellersTheBuyerAndThePayment() throws IOException {
    byte[] bytes = InvoiceDocument.render(order().build(), SELLERS, "ada@example.com");
    assertThat(new String(bytes, 0, 5)).isEqualTo("%PDF-");
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      assertThat(pdf.getNumberOfPages()).isEqualTo(1);
      String text = text(pdf);
      assertThat(text)
          .contains("INV-3F1C2A9E5B7D4E219A0C7D64B1E2F388", "2026-03-01", "2026-03-02")
          .contains("Ada Lovelace", "12 St James's Square", "SW1Y 4JH London", "ada@example.com")
          .contains("Oakhill Woodworks", "Flax & Loom")
          .contains(
              "Walnut bowl",
              "WB-001",
              "USD 24.00",
              "USD 48.00",
              "Linen napkins, set of 4",
              "LN-004",
              "USD 12.50")
          .contains("USD 60.50", "Discount (SPRING10)", "-USD 6.05", "USD 7.66", "Total USD 62.11")
          .contains("pi_3QxExample0123456789", "Page 1 of 1");
      assertThat(pdf.getDocumentInformation().getTitle())
          .isEqualTo("Invoice INV-3F1C2A9E5B7D4E219A0C7D64B1E2F388");
    }
  }

  @Test
  void moneyUsesTheCurrencysFractionDigits() {
    assertThat(InvoiceDocument.money(6_211, "usd")).isEqualTo("USD 62.11");
    assertThat(InvoiceDocument.money(5, "eur")).isEqualTo("EUR 0.05");
    assertThat(InvoiceDocument.money(500, "jpy")).isEqualTo("JPY 500");
    assertThat(InvoiceDocument.money(12_345, "kwd")).isEqualTo("KWD 12.345");
  }

  @Test
  void twoHundredLinesSpanSeveralPagesAndKeepEveryLine() throws IOException {
    Order.Builder big = order().clearItems();
    IntStream.rangeClosed(1, 200)
        .forEach(i -> big.addItems(item("Tile no. " + i, "TL-" + i, SELLER, 100, 1)));
    byte[] bytes =
        InvoiceDocument.render(
            big.setSubtotal(20_000)
                .setDiscount(0)
                .setDiscountCode("")
                .setTax(0)
                .setTotal(20_000)
                .build(),
            SELLERS,
            "ada@example.com");
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      assertThat(pdf.getNumberOfPages()).isGreaterThanOrEqualTo(3);
      String text = text(pdf);
      IntStream.rangeClosed(1, 200)
          .forEach(i -> assertThat(text).contains("Tile no. " + i + " TL-" + i + " "));
      assertThat(text)
          .contains(
              "Total USD 200.00",
              "pi_3QxExample0123456789",
              "Page " + pdf.getNumberOfPages() + " of " + pdf.getNumberOfPages());
    }
  }

  @Test
  void chineseAccentsAndOtherScriptsShowAsWrittenAndWhatNoFontHasIsAWhiteSquare()
      throws IOException {
    Order odd =
        order()
            .setItems(
                0,
                item(
                    "青花瓷茶碗 Łódź ő 🍵 bowl\u00a0\u00ad\tno.\u0301 2 – “best” €",
                    "SKU\n1",
                    SELLER,
                    2_400,
                    2))
            .setShippingAddress(
                Address.newBuilder()
                    .setName("王小明 Zoë Ångström")
                    .setLine1("Straße 1\r\n")
                    .setLine2("Ωμέγα Жёлтый")
                    .setCity("Kraków")
                    .setRegion("北京市")
                    .setCountry("CN"))
            .build();
    byte[] bytes =
        InvoiceDocument.render(
            odd,
            Map.of(SELLER, "Ŝeller\u200b ☃ 木工坊 🍵\u200d🍵\ufe0f", OTHER_SELLER, "ไทย 한글"),
            "zoë@example.com");
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      String text = text(pdf);
      assertThat(text)
          .contains(
              "青花瓷茶碗 Łódź ő □ bowl",
              "no. 2 – “best” €",
              "SKU 1",
              "王小明 Zoë Ångström",
              "Straße 1",
              "Kraków",
              "北京市, CN",
              "Ŝeller ☃ 木工坊 □□\n",
              "□□□ □□",
              "zoë@example.com",
              "Ωμέγα Жёлтый")
          .doesNotContain("?");
    }
  }

  @Test
  void theFontsAreEmbeddedAsSubsets() throws IOException {
    byte[] bytes =
        InvoiceDocument.render(
            order().setItems(0, item("青花瓷茶碗", "WB-001", SELLER, 2_400, 2)).build(),
            SELLERS,
            "ada@example.com");
    assertThat(bytes.length).as("two subsets, not a 10 MB font").isLessThan(200_000);
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      List<String> fonts = new ArrayList<>();
      for (COSName name : pdf.getPage(0).getResources().getFontNames()) {
        PDFont font = pdf.getPage(0).getResources().getFont(name);
        assertThat(font.isEmbedded()).as(font.getName()).isTrue();
        fonts.add(font.getName());
      }
      assertThat(fonts)
          .anyMatch(f -> f.matches("[A-Z]{6}\\+NotoSansSC.*"))
          .anyMatch(f -> f.matches("[A-Z]{6}\\+LiberationSans.*"));
    }
  }

  @Test
  void onlyAnOrderThatWasPaidHasAnInvoice() {
    assertThat(InvoiceDocument.issuable(order().build())).isTrue();
    assertThat(InvoiceDocument.issuable(order().setStatus("refunded").build())).isTrue();
    assertThat(InvoiceDocument.issuable(order().setStatus("cancelled").build()))
        .as("cancelled after payment")
        .isTrue();
    Order.Builder unpaid =
        order()
            .clearStatusHistory()
            .addStatusHistory(
                StatusChange.newBuilder()
                    .setStatus("pending_payment")
                    .setAt("2026-03-01T10:15:00Z"));
    assertThat(InvoiceDocument.issuable(unpaid.setStatus("pending_payment").build())).isFalse();
    assertThat(InvoiceDocument.issuable(unpaid.setStatus("cancelled").build()))
        .as("cancelled before payment")
        .isFalse();
  }

  @Test
  void theFileIsNamedForTheOrder() {
    assertThat(InvoiceDocument.fileName(order().build())).isEqualTo("invoice-" + ORDER_ID + ".pdf");
  }
}
