package io.emporium.realtime.mail;

import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.StockChanged;
import io.emporium.realtime.domain.Recipient;

/**
 * Mails that ask someone to act: low stock to its seller, a failed payment to the admins. Pure text
 * building, no I/O.
 */
public final class AlertMails {
  private final String storefrontUrl;

  public AlertMails(String storefrontUrl) {
    this.storefrontUrl =
        storefrontUrl.endsWith("/")
            ? storefrontUrl.substring(0, storefrontUrl.length() - 1)
            : storefrontUrl;
  }

  public Mail lowStock(CatalogEvent e, Recipient seller) {
    StockChanged stock = e.getStockLow();
    String link = storefrontUrl + "/products/" + e.getProductId();
    String subject = "Low stock: " + stock.getSku() + " has " + stock.getAvailable() + " left";
    String text =
        """
        Hello %s,

        %s is down to %d available, at or below your threshold of %d.
        Restock it before it sells out: %s
        """
            .formatted(
                seller.fullName(),
                stock.getSku(),
                stock.getAvailable(),
                stock.getThreshold(),
                link);
    String html =
        """
        <p>Hello %s,</p>
        <p><strong>%s</strong> is down to <strong>%d</strong> available, at or below your threshold of %d.</p>
        <p><a href="%s">Restock it</a> before it sells out.</p>
        """
            .formatted(
                Html.escape(seller.fullName()),
                Html.escape(stock.getSku()),
                stock.getAvailable(),
                stock.getThreshold(),
                Html.escape(link));
    return new Mail(seller.email(), subject, text, html);
  }

  public Mail paymentFailed(PaymentEvent e, Recipient admin) {
    PaymentFailed failed = e.getFailed();
    String amount = Money.format(failed.getAmount(), failed.getCurrency());
    String reason = failed.getReason().isBlank() ? "no reason given" : failed.getReason();
    String subject = "Payment failed for order " + e.getOrderId();
    String text =
        """
        Hello %s,

        A payment of %s for order %s failed on %s.
        Reason: %s
        Payment intent: %s
        Checkout session: %s
        """
            .formatted(
                admin.fullName(),
                amount,
                e.getOrderId(),
                MailTimes.format(e.getOccurredAt()),
                reason,
                failed.getPaymentIntentId(),
                failed.getSessionId().isEmpty() ? "none" : failed.getSessionId());
    String html =
        """
        <p>Hello %s,</p>
        <p>A payment of <strong>%s</strong> for order %s failed on %s.</p>
        <p>Reason: %s<br>Payment intent: <code>%s</code><br>Checkout session: <code>%s</code></p>
        """
            .formatted(
                Html.escape(admin.fullName()),
                amount,
                Html.escape(e.getOrderId()),
                Html.escape(MailTimes.format(e.getOccurredAt())),
                Html.escape(reason),
                Html.escape(failed.getPaymentIntentId()),
                Html.escape(failed.getSessionId().isEmpty() ? "none" : failed.getSessionId()));
    return new Mail(admin.email(), subject, text, html);
  }
}
