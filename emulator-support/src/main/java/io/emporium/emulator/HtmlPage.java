package io.emporium.emulator;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The emulators' pages a browser sees (the hosted checkout, the approval page): one plain HTML
 * document per answer, never cached, every text from a request escaped.
 */
public final class HtmlPage {
  private HtmlPage() {}

  /**
   * Answers a page titled {@code title} (escaped here) with {@code body} (HTML, escaped by the
   * caller), named after {@code emulator} and signed off with {@code footer}.
   */
  public static void send(
      HttpServerResponse response,
      int status,
      String title,
      String body,
      String emulator,
      String footer) {
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + escape(title)
                + " · "
                + escape(emulator)
                + "</title></head><body><h1>"
                + escape(title)
                + "</h1>"
                + body
                + "<footer>"
                + escape(footer)
                + "</footer></body></html>");
  }

  /** Text made safe inside HTML elements and quoted attributes. */
  public static String escape(String text) {
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
