package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The page at an order's approve link ({@code /checkoutnow/{id}}), where the payer logs in to
 * PayPal: the amount and a form that POSTs {@code email} to {@code {link}/approve}, and a cancel
 * form that POSTs to {@code {link}/cancel}. Approving makes the order APPROVED, sends {@code
 * CHECKOUT.ORDER.APPROVED} and redirects (303) to {@code return_url?token={id}&PayerID={payer}};
 * cancelling redirects to {@code cancel_url?token={id}} and leaves the order as it was.
 */
final class ApprovalPage {
  static final int MAX_EMAIL_LENGTH = 254;

  private final Ledger ledger;
  private final StateJournal journal;
  private final Supplier<String> baseUrl;

  ApprovalPage(Ledger ledger, StateJournal journal, Supplier<String> baseUrl) {
    this.ledger = ledger;
    this.journal = journal;
    this.baseUrl = baseUrl;
  }

  void mount(Router router) {
    router.get("/checkoutnow/:id").handler(this::show);
    router.post("/checkoutnow/:id/approve").handler(this::approve);
    router.post("/checkoutnow/:id/cancel").handler(this::cancel);
  }

  private void show(RoutingContext ctx) {
    Order order = ledger.findOrder(ctx.pathParam("id"));
    if (order == null) {
      page(ctx, 404, "Order not found", "<p>This PayPal link is not valid.</p>");
    } else if (order.status == Order.Status.COMPLETED) {
      page(
          ctx,
          409,
          "Paid",
          "<p>This order has already been paid: " + escape(amount(order)) + ".</p>");
    } else {
      page(ctx, 200, "Pay " + amount(order) + " with PayPal", form(order, null));
    }
  }

  private void approve(RoutingContext ctx) {
    Order order = ledger.findOrder(ctx.pathParam("id"));
    if (order == null) {
      page(ctx, 404, "Order not found", "<p>This PayPal link is not valid.</p>");
      return;
    }
    if (order.status == Order.Status.COMPLETED) {
      page(ctx, 409, "Paid", "<p>This order has already been paid; nothing more was charged.</p>");
      return;
    }
    if (order.status == Order.Status.APPROVED) {
      // approved already (a second click): the same redirect, no second event
      returnTo(ctx, order);
      return;
    }
    String email = ctx.request().getFormAttribute("email");
    email = email == null || email.isBlank() ? TestPayers.DEFAULT_EMAIL : email.strip();
    if (email.length() > MAX_EMAIL_LENGTH
        || email.indexOf('@') <= 0
        || email.indexOf('@') == email.length() - 1) {
      page(ctx, 400, "Check your e-mail address", form(order, "Enter a valid e-mail address."));
      return;
    }
    journal.begin();
    ledger.approve(order, TestPayers.Payer.of(email), baseUrl.get());
    journal
        .commit()
        .onComplete(
            written -> {
              if (written.succeeded()) {
                returnTo(ctx, order);
              } else {
                ApiRoutes.internalError(ctx, written.cause());
              }
            });
  }

  private static void returnTo(RoutingContext ctx, Order order) {
    if (order.returnUrl == null) {
      page(
          ctx,
          200,
          "Approved",
          "<p>You approved the payment of "
              + escape(amount(order))
              + ". You can close this window.</p>");
      return;
    }
    redirect(
        ctx,
        withQuery(
            order.returnUrl,
            "token=" + encode(order.id) + "&PayerID=" + encode(order.payer.payerId())));
  }

  private void cancel(RoutingContext ctx) {
    Order order = ledger.findOrder(ctx.pathParam("id"));
    if (order == null) {
      page(ctx, 404, "Order not found", "<p>This PayPal link is not valid.</p>");
    } else if (order.status == Order.Status.COMPLETED) {
      page(ctx, 409, "Paid", "<p>This order has already been paid.</p>");
    } else if (order.cancelUrl == null) {
      page(ctx, 200, "Cancelled", "<p>You cancelled. You can close this window.</p>");
    } else {
      redirect(ctx, withQuery(order.cancelUrl, "token=" + encode(order.id)));
    }
  }

  private static String withQuery(String url, String query) {
    int fragment = url.indexOf('#');
    String base = fragment < 0 ? url : url.substring(0, fragment);
    String tail = fragment < 0 ? "" : url.substring(fragment);
    return base + (base.contains("?") ? "&" : "?") + query + tail;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response()
        .setStatusCode(303)
        .putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end();
  }

  private static String form(Order order, String error) {
    StringBuilder html = new StringBuilder();
    html.append("<p class=\"amount\">").append(escape(amount(order))).append("</p>");
    for (int i = 0; i < order.purchaseUnits.size(); i++) {
      String description = order.purchaseUnits.getJsonObject(i).getString("description");
      if (description != null) {
        html.append("<p class=\"description\">").append(escape(description)).append("</p>");
      }
    }
    if (error != null) {
      html.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
    }
    String action = "/checkoutnow/" + escape(order.id);
    html.append("<form method=\"post\" action=\"")
        .append(action)
        .append("/approve\">")
        .append("<label>PayPal account e-mail <input name=\"email\" type=\"email\" value=\"")
        .append(TestPayers.DEFAULT_EMAIL)
        .append("\" autocomplete=\"email\"></label>")
        .append("<button type=\"submit\">Pay ")
        .append(escape(amount(order)))
        .append("</button></form>")
        .append("<form method=\"post\" action=\"")
        .append(action)
        .append("/cancel\"><button type=\"submit\">Cancel and return to the shop</button></form>")
        .append("<p class=\"hint\">Test payers: any address pays; ")
        .append(TestPayers.DECLINE_EMAIL)
        .append(" is declined at capture (INSTRUMENT_DECLINED); ")
        .append(TestPayers.DENIED_EMAIL)
        .append(" gets a DECLINED capture (PAYMENT.CAPTURE.DENIED); ")
        .append(TestPayers.PENDING_EMAIL)
        .append(" a PENDING one that completes a little later.</p>");
    return html.toString();
  }

  static String amount(Order order) {
    long total = 0;
    for (Money m : order.amounts) {
      total += m.minor();
    }
    return order.amounts.get(0).withMinor(total).value() + " " + order.amounts.get(0).currency();
  }

  private static void page(RoutingContext ctx, int status, String title, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + escape(title)
                + " · PayPal emulator</title></head><body><h1>"
                + escape(title)
                + "</h1>"
                + body
                + "<footer>PayPal emulator (sandbox): no real account is charged.</footer></body></html>");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
