package io.emporium.stripe.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The page at a Checkout Session's {@code url} ({@code /c/pay/{id}}): the amount and a card form
 * that POSTs to {@code {url}/pay}. A paying card redirects (303) to the success URL; a declined or
 * mistyped card, an expired or an already paid session answer a page that says so.
 */
final class HostedCheckoutPage {
  /** Currencies whose minor unit is the whole unit, as Stripe lists them. */
  private static final Set<String> ZERO_DECIMAL_CURRENCIES =
      Set.of(
          "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
          "xaf", "xof", "xpf");

  private final TestModeAccount account;
  private final CheckoutSessions sessions;
  private final StateJournal journal;

  HostedCheckoutPage(TestModeAccount account, CheckoutSessions sessions, StateJournal journal) {
    this.account = account;
    this.sessions = sessions;
    this.journal = journal;
  }

  void mount(Router router) {
    router.get("/c/pay/:id").handler(this::show);
    router.post("/c/pay/:id/pay").handler(this::pay);
  }

  private void show(RoutingContext ctx) {
    CheckoutSession session = account.sessions.get(ctx.pathParam("id"));
    if (session == null) {
      page(ctx, 404, "Checkout session not found", "<p>This checkout link is not valid.</p>");
    } else if (session.status == CheckoutSession.Status.COMPLETE) {
      page(
          ctx,
          200,
          "Paid",
          "<p>This checkout session has already been paid: " + amount(session) + ".</p>");
    } else if (session.status == CheckoutSession.Status.EXPIRED) {
      page(ctx, 410, "Expired", "<p>This checkout session has expired.</p>");
    } else {
      page(ctx, 200, "Pay " + amount(session), form(session, null));
    }
  }

  private void pay(RoutingContext ctx) {
    journal.begin();
    CheckoutSession session = account.sessions.get(ctx.pathParam("id"));
    if (session == null) {
      page(ctx, 404, "Checkout session not found", "<p>This checkout link is not valid.</p>");
      return;
    }
    String card;
    try {
      card =
          StripeForm.decode(ctx.body().asString(StandardCharsets.UTF_8.name())).getValue("card")
                  instanceof String c
              ? c
              : "";
    } catch (StripeApiError e) {
      card = "";
    }
    CheckoutSessions.PayOutcome outcome = sessions.pay(session, card);
    String typed = card;
    journal
        .commit()
        .onComplete(
            written -> {
              if (written.succeeded()) {
                answer(ctx, session, outcome, typed);
              } else {
                StripeApiRoutes.internalError(ctx, written.cause());
              }
            });
  }

  private void answer(
      RoutingContext ctx,
      CheckoutSession session,
      CheckoutSessions.PayOutcome outcome,
      String card) {
    switch (outcome) {
      case PAID ->
          ctx.response()
              .setStatusCode(303)
              .putHeader(HttpHeaders.LOCATION, session.successRedirect())
              .end();
      case DECLINED ->
          page(
              ctx,
              402,
              "Payment declined",
              form(
                  session,
                  TestCards.byNumber(card)
                      .map(TestCards.TestCard::message)
                      .orElse("Your card was declined.")));
      case INCORRECT_NUMBER ->
          page(ctx, 400, "Card number incorrect", form(session, "Your card number is incorrect."));
      case EXPIRED ->
          page(
              ctx,
              410,
              "Expired",
              "<p>This checkout session has expired; nothing was charged.</p>");
      case ALREADY_PAID ->
          page(
              ctx,
              409,
              "Paid",
              "<p>This checkout session has already been paid; nothing more was charged.</p>");
    }
  }

  private static String form(CheckoutSession session, String error) {
    StringBuilder html = new StringBuilder();
    html.append("<p class=\"amount\">").append(escape(amount(session))).append("</p><ul>");
    for (CheckoutSession.LineItem item : session.lineItems) {
      html.append("<li>")
          .append(item.quantity())
          .append(" × ")
          .append(escape(item.name()))
          .append("</li>");
    }
    html.append("</ul>");
    if (error != null) {
      html.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
    }
    html.append("<form method=\"post\" action=\"/c/pay/")
        .append(escape(session.id))
        .append("/pay\">")
        .append(
            "<label>Card number <input name=\"card\" inputmode=\"numeric\" autocomplete=\"cc-number\" required></label>")
        .append("<button type=\"submit\">Pay ")
        .append(escape(amount(session)))
        .append("</button></form>")
        .append(
            "<p class=\"hint\">Test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined.</p>");
    if (session.cancelUrl != null) {
      html.append("<p><a href=\"")
          .append(escape(session.cancelUrl))
          .append("\">Cancel and go back</a></p>");
    }
    return html.toString();
  }

  static String amount(CheckoutSession session) {
    String currency = session.currency.toUpperCase(Locale.ROOT);
    if (ZERO_DECIMAL_CURRENCIES.contains(session.currency)) {
      return session.amountTotal + " " + currency;
    }
    return String.format(
        Locale.ROOT, "%d.%02d %s", session.amountTotal / 100, session.amountTotal % 100, currency);
  }

  private static void page(RoutingContext ctx, int status, String title, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + escape(title)
                + " · Stripe emulator</title></head><body><h1>"
                + escape(title)
                + "</h1>"
                + body
                + "<footer>Stripe emulator (test mode): no real card is charged.</footer></body></html>");
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
