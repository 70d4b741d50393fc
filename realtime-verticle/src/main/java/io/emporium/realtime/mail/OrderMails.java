package io.emporium.realtime.mail;

import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.emporium.proto.events.v1.OrderPlaced;
import io.emporium.proto.events.v1.OrderRefunded;
import io.emporium.proto.events.v1.OrderShipped;
import io.emporium.realtime.domain.Recipient;
import java.util.List;

/**
 * The customer's order emails: confirmation, payment receipt, shipment and refund, and a guest's
 * link to their order. Pure text building, no I/O.
 */
public final class OrderMails {
  private final String storefrontUrl;

  public OrderMails(String storefrontUrl) {
    this.storefrontUrl =
        storefrontUrl.endsWith("/")
            ? storefrontUrl.substring(0, storefrontUrl.length() - 1)
            : storefrontUrl;
  }

  public Mail confirmation(OrderEvent e, Recipient to) {
    OrderPaid paid = e.getOrderPaid();
    String link = orderLink(e);
    String subject = "Your Emporium order " + shortId(e) + " is confirmed";
    String text =
        """
        Hello %s,

        Thank you for your order %s. It is paid and on its way to the sellers.

        %s
        Total: %s

        Follow your order at %s
        """
            .formatted(
                to.fullName(),
                e.getOrderId(),
                textLines(paid.getLinesList(), paid.getCurrency()),
                Money.format(paid.getTotal(), paid.getCurrency()),
                link);
    String html =
        """
        <p>Hello %s,</p>
        <p>Thank you for your order <strong>%s</strong>. It is paid and on its way to the sellers.</p>
        %s
        <p>Total: <strong>%s</strong></p>
        <p><a href="%s">Follow your order</a></p>
        """
            .formatted(
                Html.escape(to.fullName()),
                Html.escape(e.getOrderId()),
                htmlLines(paid.getLinesList(), paid.getCurrency()),
                Money.format(paid.getTotal(), paid.getCurrency()),
                Html.escape(link));
    return new Mail(to.email(), subject, text, html);
  }

  /**
   * A guest's order was placed: the link that reads it with its order token, the only way back to
   * it without an account. Sent when it is placed, since only that event carries the token.
   */
  public Mail guestLink(OrderEvent e, Recipient to) {
    OrderPlaced placed = e.getOrderPlaced();
    String link = orderLink(e) + "?orderToken=" + placed.getOrderToken();
    String subject = "Your Emporium order " + shortId(e) + ": your link to it";
    String text =
        """
        Hello %s,

        Thank you for your order %s. We confirm it once it is paid.

        %s
        Total: %s

        Follow your order and find its invoice at %s
        Keep this link: it is the way back to your order without an account. Register with this
        email address and verify it, and the order is in your account too.
        """
            .formatted(
                to.fullName(),
                e.getOrderId(),
                textLines(placed.getLinesList(), placed.getCurrency()),
                Money.format(placed.getTotal(), placed.getCurrency()),
                link);
    String html =
        """
        <p>Hello %s,</p>
        <p>Thank you for your order <strong>%s</strong>. We confirm it once it is paid.</p>
        %s
        <p>Total: <strong>%s</strong></p>
        <p><a href="%s">Follow your order and find its invoice</a></p>
        <p>Keep this link: it is the way back to your order without an account. Register with this
        email address and verify it, and the order is in your account too.</p>
        """
            .formatted(
                Html.escape(to.fullName()),
                Html.escape(e.getOrderId()),
                htmlLines(placed.getLinesList(), placed.getCurrency()),
                Money.format(placed.getTotal(), placed.getCurrency()),
                Html.escape(link));
    return new Mail(to.email(), subject, text, html);
  }

  public Mail receipt(OrderEvent e, Recipient to) {
    OrderPaid paid = e.getOrderPaid();
    String amount = Money.format(paid.getTotal(), paid.getCurrency());
    String reference =
        paid.getPaymentIntentId().isEmpty()
            ? ""
            : "Payment reference: " + paid.getPaymentIntentId() + "\n";
    String subject = "Payment receipt for order " + shortId(e) + ": " + amount;
    String text =
        """
        Hello %s,

        We received your payment of %s for order %s on %s.
        %s
        Keep this email as your receipt; the invoice is at %s/invoice
        """
            .formatted(
                to.fullName(),
                amount,
                e.getOrderId(),
                MailTimes.format(e.getOccurredAt()),
                reference,
                orderLink(e));
    String html =
        """
        <p>Hello %s,</p>
        <p>We received your payment of <strong>%s</strong> for order %s on %s.</p>
        %s<p>Keep this email as your receipt; <a href="%s/invoice">the invoice</a> is online.</p>
        """
            .formatted(
                Html.escape(to.fullName()),
                amount,
                Html.escape(e.getOrderId()),
                Html.escape(MailTimes.format(e.getOccurredAt())),
                reference.isEmpty()
                    ? ""
                    : "<p>Payment reference: <code>"
                        + Html.escape(paid.getPaymentIntentId())
                        + "</code></p>\n",
                Html.escape(orderLink(e)));
    return new Mail(to.email(), subject, text, html);
  }

  public Mail shipped(OrderEvent e, Recipient to) {
    OrderShipped shipped = e.getShipped();
    String subject = "Your Emporium order " + shortId(e) + " has shipped";
    String text =
        """
        Hello %s,

        These items of your order %s left with %s.
        Tracking number: %s

        %s
        Follow your order at %s
        """
            .formatted(
                to.fullName(),
                e.getOrderId(),
                shipped.getCarrier(),
                shipped.getTrackingNumber(),
                textLines(shipped.getLinesList(), ""),
                orderLink(e));
    String html =
        """
        <p>Hello %s,</p>
        <p>These items of your order %s left with %s.<br>Tracking number: <strong>%s</strong></p>
        %s
        <p><a href="%s">Follow your order</a></p>
        """
            .formatted(
                Html.escape(to.fullName()),
                Html.escape(e.getOrderId()),
                Html.escape(shipped.getCarrier()),
                Html.escape(shipped.getTrackingNumber()),
                htmlLines(shipped.getLinesList(), ""),
                Html.escape(orderLink(e)));
    return new Mail(to.email(), subject, text, html);
  }

  public Mail refunded(OrderEvent e, Recipient to) {
    OrderRefunded refund = e.getRefunded();
    String amount = Money.format(refund.getAmount(), refund.getCurrency());
    String soFar = Money.format(refund.getRefundedTotal(), refund.getCurrency());
    String subject = "Refund of " + amount + " for order " + shortId(e);
    String text =
        """
        Hello %s,

        We refunded %s for order %s to the card you paid with.
        Refunded so far: %s
        Refund reference: %s

        Banks usually show a refund within 5 to 10 days.
        """
            .formatted(to.fullName(), amount, e.getOrderId(), soFar, refund.getRefundId());
    String html =
        """
        <p>Hello %s,</p>
        <p>We refunded <strong>%s</strong> for order %s to the card you paid with.</p>
        <p>Refunded so far: %s<br>Refund reference: <code>%s</code></p>
        <p>Banks usually show a refund within 5 to 10 days.</p>
        """
            .formatted(
                Html.escape(to.fullName()),
                amount,
                Html.escape(e.getOrderId()),
                soFar,
                Html.escape(refund.getRefundId()));
    return new Mail(to.email(), subject, text, html);
  }

  private String orderLink(OrderEvent e) {
    return storefrontUrl + "/orders/" + e.getOrderId();
  }

  private static String shortId(OrderEvent e) {
    return e.getOrderId().length() > 8 ? e.getOrderId().substring(0, 8) : e.getOrderId();
  }

  /** One line per item; prices only when the event carries a currency. */
  private static String textLines(List<OrderLine> lines, String currency) {
    StringBuilder out = new StringBuilder();
    for (OrderLine l : lines) {
      out.append("  ")
          .append(l.getQuantity())
          .append(" x ")
          .append(l.getName())
          .append(" (")
          .append(l.getSku())
          .append(")");
      if (!currency.isEmpty()) {
        out.append(" at ")
            .append(Money.format(l.getUnitPrice(), currency))
            .append(" = ")
            .append(Money.format(l.getUnitPrice() * l.getQuantity(), currency));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String htmlLines(List<OrderLine> lines, String currency) {
    boolean priced = !currency.isEmpty();
    StringBuilder out =
        new StringBuilder(
                "<table cellpadding=\"4\">\n<tr><th align=\"left\">Item</th><th>Quantity</th>")
            .append(priced ? "<th align=\"right\">Price</th><th align=\"right\">Amount</th>" : "")
            .append("</tr>\n");
    for (OrderLine l : lines) {
      out.append("<tr><td>")
          .append(Html.escape(l.getName()))
          .append(" <small>")
          .append(Html.escape(l.getSku()))
          .append("</small></td>")
          .append("<td align=\"center\">")
          .append(l.getQuantity())
          .append("</td>");
      if (priced) {
        out.append("<td align=\"right\">")
            .append(Money.format(l.getUnitPrice(), currency))
            .append("</td>")
            .append("<td align=\"right\">")
            .append(Money.format(l.getUnitPrice() * l.getQuantity(), currency))
            .append("</td>");
      }
      out.append("</tr>\n");
    }
    return out.append("</table>").toString();
  }
}
