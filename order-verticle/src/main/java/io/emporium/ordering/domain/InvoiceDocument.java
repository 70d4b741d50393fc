package io.emporium.ordering.domain;

import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.StatusChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.state.RenderingMode;

/**
 * An order's invoice as a PDF: number, dates, buyer, sellers, every line, the totals and the
 * payment. Pure: the order and what the edge knows of the people in, the bytes out. Any text shows:
 * each character in the first of {@link InvoiceFonts} that has it (embedded as subsets), else
 * folded to its base letters, else a white square.
 */
public final class InvoiceDocument {
  /**
   * The statuses of an order that has been paid; a cancelled order counts only if its history shows
   * a payment.
   */
  private static final Set<OrderStatus> PAID_STATUSES =
      Set.of(
          OrderStatus.PAID,
          OrderStatus.PROCESSING,
          OrderStatus.SHIPPED,
          OrderStatus.DELIVERED,
          OrderStatus.REFUNDED);

  private static final float MARGIN = 50;
  private static final float FOOTER = 40;
  private static final float LEADING = 14;
  private static final float BODY = 9.5f;
  private static final PDRectangle PAGE = PDRectangle.A4;
  // table columns: item, sku, quantity, unit price, amount (the numbers right-aligned at their
  // right edge)
  private static final float ITEM_X = MARGIN;
  private static final float SKU_X = 265;
  private static final float QTY_RIGHT = 400;
  private static final float UNIT_RIGHT = 475;
  private static final float AMOUNT_RIGHT = 545;

  private static final boolean REGULAR = false;
  private static final boolean BOLD = true;
  private final InvoiceFonts fonts;
  private final Order order;
  private final Map<String, String> sellerNames;
  private final String buyerEmail;
  private PDDocument document;
  private PDType0Font latin;
  private PDType0Font cjk;
  private PDPageContentStream page;
  private float y;

  private InvoiceDocument(
      InvoiceFonts fonts, Order order, Map<String, String> sellerNames, String buyerEmail) {
    this.fonts = fonts;
    this.order = order;
    this.sellerNames = sellerNames;
    this.buyerEmail = buyerEmail;
  }

  /** Whether the order has an invoice: it was paid at some point. */
  public static boolean issuable(Order order) {
    return PAID_STATUSES.contains(OrderStatus.of(order.getStatus())) || paidAt(order) != null;
  }

  /** The invoice number: the order id, so one order has exactly one. */
  public static String number(Order order) {
    return "INV-" + order.getId().replace("-", "").toUpperCase(Locale.ROOT);
  }

  public static String fileName(Order order) {
    return "invoice-" + order.getId() + ".pdf";
  }

  /**
   * Minor units as the currency writes them: {@code 6211, "usd"} is "USD 62.11", {@code 500, "jpy"}
   * is "JPY 500".
   */
  public static String money(long minor, String currency) {
    String code = currency.toUpperCase(Locale.ROOT);
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
    } catch (IllegalArgumentException unknown) {
      digits = 2;
    }
    return code + " " + BigDecimal.valueOf(minor, digits).toPlainString();
  }

  /** Parses the fonts: a second or two, better spent before the first invoice. */
  public static void prepareFonts() {
    InvoiceFonts.get();
  }

  /**
   * The PDF of an order that {@linkplain #issuable(Order) has an invoice}; sellers by id to their
   * display names.
   */
  public static byte[] render(Order order, Map<String, String> sellerNames, String buyerEmail) {
    InvoiceFonts fonts = InvoiceFonts.get();
    try {
      synchronized (fonts) {
        return new InvoiceDocument(fonts, order, sellerNames, buyerEmail).render();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] render() throws IOException {
    try (PDDocument doc = new PDDocument()) {
      document = doc;
      latin = PDType0Font.load(doc, fonts.latin, true);
      cjk = PDType0Font.load(doc, fonts.cjk, true);
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle("Invoice " + number(order));
      info.setAuthor("Emporium");
      newPage();
      heading();
      parties();
      lines();
      totals();
      payment();
      page.close();
      footers();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  private void heading() throws IOException {
    text(BOLD, 20, MARGIN, y, "Invoice");
    y -= 28;
    labelled("Invoice number", number(order));
    labelled("Order", order.getId());
    labelled("Order date", date(order.getCreatedAt()));
    String paid = paidAt(order);
    labelled("Paid on", paid == null ? "-" : date(paid));
    y -= LEADING / 2;
  }

  private void parties() throws IOException {
    Address a = order.getShippingAddress();
    List<String> buyer = new ArrayList<>();
    buyer.add(a.getName());
    buyer.add(a.getLine1());
    buyer.add(a.getLine2());
    buyer.add(String.join(" ", a.getPostalCode(), a.getCity()).strip());
    buyer.add(String.join(", ", nonBlank(a.getRegion(), a.getCountry())));
    buyer.add(buyerEmail);
    float top = y;
    text(BOLD, BODY, MARGIN, y, "Bill to");
    for (String line : buyer) {
      if (!line.isBlank()) {
        y -= LEADING;
        text(REGULAR, BODY, MARGIN, y, fit(BODY, line, 240));
      }
    }
    float left = y;
    y = top;
    text(BOLD, BODY, 310, y, "Sold by");
    for (String seller : sellers()) {
      ensureRoom(LEADING);
      y -= LEADING;
      text(REGULAR, BODY, 310, y, fit(BODY, seller, PAGE.getWidth() - MARGIN - 310));
    }
    y = Math.min(y, left) - 2 * LEADING;
  }

  /** The display names of the sellers of the order's lines, in line order, each once. */
  private List<String> sellers() {
    Set<String> names = new LinkedHashSet<>();
    for (OrderItem item : order.getItemsList()) {
      if (!item.getSellerId().isEmpty()) {
        names.add(sellerNames.getOrDefault(item.getSellerId(), "Seller " + item.getSellerId()));
      }
    }
    return names.isEmpty() ? List.of("Emporium") : new ArrayList<>(names);
  }

  private void lines() throws IOException {
    tableHeader();
    for (OrderItem item : order.getItemsList()) {
      if (ensureRoom(LEADING)) {
        tableHeader();
      }
      y -= LEADING;
      text(REGULAR, BODY, ITEM_X, y, fit(BODY, item.getName(), SKU_X - ITEM_X - 8));
      text(REGULAR, BODY, SKU_X, y, fit(BODY, item.getSku(), QTY_RIGHT - SKU_X - 40));
      right(REGULAR, BODY, QTY_RIGHT, y, Integer.toString(item.getQuantity()));
      right(REGULAR, BODY, UNIT_RIGHT, y, money(item.getUnitPrice(), order.getCurrency()));
      right(REGULAR, BODY, AMOUNT_RIGHT, y, money(item.getLineTotal(), order.getCurrency()));
    }
    y -= LEADING / 2;
    rule();
  }

  private void tableHeader() throws IOException {
    y -= LEADING;
    text(BOLD, BODY, ITEM_X, y, "Item");
    text(BOLD, BODY, SKU_X, y, "SKU");
    right(BOLD, BODY, QTY_RIGHT, y, "Qty");
    right(BOLD, BODY, UNIT_RIGHT, y, "Unit price");
    right(BOLD, BODY, AMOUNT_RIGHT, y, "Amount");
    y -= LEADING / 2;
    rule();
  }

  private void totals() throws IOException {
    String currency = order.getCurrency();
    ensureRoom(6 * LEADING);
    total("Subtotal", money(order.getSubtotal(), currency), REGULAR);
    if (order.getDiscount() != 0 || !order.getDiscountCode().isEmpty()) {
      String label =
          order.getDiscountCode().isEmpty()
              ? "Discount"
              : "Discount (" + order.getDiscountCode() + ")";
      total(label, "-" + money(order.getDiscount(), currency), REGULAR);
    }
    total("Shipping", money(order.getShipping(), currency), REGULAR);
    total("Tax", money(order.getTax(), currency), REGULAR);
    total("Total", money(order.getTotal(), currency), BOLD);
    if (order.getRefunded() > 0) {
      total("Refunded", "-" + money(order.getRefunded(), currency), REGULAR);
    }
    y -= LEADING;
  }

  private void total(String label, String amount, boolean bold) throws IOException {
    y -= LEADING;
    right(bold, BODY, UNIT_RIGHT, y, fit(BODY, label, UNIT_RIGHT - SKU_X));
    right(bold, BODY, AMOUNT_RIGHT, y, amount);
  }

  private void payment() throws IOException {
    ensureRoom(4 * LEADING);
    text(BOLD, BODY, MARGIN, y, "Payment");
    y -= LEADING;
    labelled("Currency", order.getCurrency().toUpperCase(Locale.ROOT));
    labelled("Reference", order.getPaymentIntentId().isEmpty() ? "-" : order.getPaymentIntentId());
    labelled("Payment status", order.getPaymentStatus());
    labelled("Order status", order.getStatus().replace('_', ' '));
  }

  private void labelled(String label, String value) throws IOException {
    ensureRoom(LEADING);
    text(REGULAR, BODY, MARGIN, y, label);
    text(REGULAR, BODY, MARGIN + 100, y, fit(BODY, value, PAGE.getWidth() - 2 * MARGIN - 100));
    y -= LEADING;
  }

  /** "Page n of m" on every page, once the number of pages is known. */
  private void footers() throws IOException {
    int pages = document.getNumberOfPages();
    for (int i = 0; i < pages; i++) {
      try (PDPageContentStream footer =
          new PDPageContentStream(
              document, document.getPage(i), PDPageContentStream.AppendMode.APPEND, true)) {
        page = footer;
        text(REGULAR, 8, MARGIN, FOOTER - 15, number(order));
        right(REGULAR, 8, AMOUNT_RIGHT, FOOTER - 15, "Page " + (i + 1) + " of " + pages);
      }
    }
  }

  /** Starts a new page when less than {@code height} is left above the footer; true when it did. */
  private boolean ensureRoom(float height) throws IOException {
    if (y - height >= MARGIN + FOOTER / 2) {
      return false;
    }
    page.close();
    newPage();
    return true;
  }

  private void newPage() throws IOException {
    PDPage next = new PDPage(PAGE);
    document.addPage(next);
    page = new PDPageContentStream(document, next);
    y = PAGE.getHeight() - MARGIN;
  }

  private void rule() throws IOException {
    page.setLineWidth(0.5f);
    page.moveTo(MARGIN, y);
    page.lineTo(AMOUNT_RIGHT, y);
    page.stroke();
    y -= 2;
  }

  /**
   * One line of text, each run of characters in the typeface that has them; bold is drawn by
   * stroking the outline too.
   */
  private void text(boolean bold, float size, float x, float at, String s) throws IOException {
    page.setLineWidth(size / 30);
    page.beginText();
    page.setRenderingMode(bold ? RenderingMode.FILL_STROKE : RenderingMode.FILL);
    page.newLineAtOffset(x, at);
    for (Run run : runs(showable(s))) {
      page.setFont(run.font(), size);
      page.showText(run.text());
    }
    page.endText();
  }

  private void right(boolean bold, float size, float rightEdge, float at, String s)
      throws IOException {
    text(bold, size, rightEdge - width(size, s), at, s);
  }

  /** The text cut to fit {@code max} points, ending in "..." when cut. */
  private String fit(float size, String s, float max) throws IOException {
    String clean = showable(s);
    if (width(size, clean) <= max) {
      return clean;
    }
    int[] chars = clean.codePoints().toArray();
    int end = chars.length;
    while (end > 0 && width(size, new String(chars, 0, end) + "...") > max) {
      end--;
    }
    return new String(chars, 0, end).stripTrailing() + "...";
  }

  private float width(float size, String s) throws IOException {
    float units = 0;
    for (Run run : runs(showable(s))) {
      units += run.font().getStringWidth(run.text());
    }
    return units / 1000 * size;
  }

  private record Run(PDType0Font font, String text) {}

  /** Splits showable text into runs of one typeface each. */
  private List<Run> runs(String showable) {
    List<Run> runs = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    TrueTypeFont current = null;
    for (int c : showable.codePoints().toArray()) {
      TrueTypeFont font = fonts.fontOf(c);
      if (font != current && run.length() > 0) {
        runs.add(new Run(current == fonts.latin ? latin : cjk, run.toString()));
        run.setLength(0);
      }
      current = font;
      run.appendCodePoint(c);
    }
    if (run.length() > 0) {
      runs.add(new Run(current == fonts.latin ? latin : cjk, run.toString()));
    }
    return runs;
  }

  /**
   * The text in characters the fonts have: spaces and controls become a space, stray accents and
   * invisible format characters (soft hyphens, zero-width joiners) go, a character neither font has
   * is folded to its base letters ("ő" to "o") or else shown as a white square.
   */
  private String showable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    Normalizer.normalize(s, Normalizer.Form.NFC)
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)
                  || Character.isWhitespace(c)
                  || Character.isSpaceChar(c)) {
                out.append(' ');
              } else if (Character.getType(c) == Character.FORMAT || isMark(c)) {
                return;
              } else if (fonts.fontOf(c) != null) {
                out.appendCodePoint(c);
              } else {
                String base =
                    Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFKD)
                        .codePoints()
                        .filter(b -> !isMark(b) && fonts.fontOf(b) != null)
                        .collect(
                            StringBuilder::new,
                            StringBuilder::appendCodePoint,
                            StringBuilder::append)
                        .toString();
                if (base.isBlank()) {
                  out.appendCodePoint(InvoiceFonts.REPLACEMENT);
                } else {
                  out.append(base);
                }
              }
            });
    return out.toString();
  }

  private static boolean isMark(int c) {
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /** When the order was first paid, RFC 3339, or null when it never was. */
  private static String paidAt(Order order) {
    return order.getStatusHistoryList().stream()
        .filter(h -> h.getStatus().equals(OrderStatus.PAID.wire()))
        .map(StatusChange::getAt)
        .findFirst()
        .orElse(null);
  }

  private static String date(String rfc3339) {
    try {
      return Instant.parse(rfc3339).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    } catch (DateTimeParseException e) {
      return rfc3339;
    }
  }

  private static List<String> nonBlank(String... parts) {
    return Arrays.stream(parts).filter(p -> !p.isBlank()).toList();
  }
}
